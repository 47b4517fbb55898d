package org.tinyfit.io;

import java.util.Arrays;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.Schedule;
import org.tinyfit.tflite.OfflinePlan;
import org.tinyfit.tflite.TfliteReorder;

/**
 * The file {@code tinyfit optimize} writes: the original model with the operator order and, when it
 * helps, the offline arena plan of a {@link MemoryOptimization}. Nothing else changes.
 */
final class OptimizedFile {
    private OptimizedFile() {}

    /**
     * The original bytes with {@code m}'s written order ({@link MemoryOptimization#writtenOrder}) and,
     * if {@code withOfflinePlan} and {@code m} has one, its offline plan as the model's
     * {@code OfflineMemoryAllocation}. An offline plan the original already carries is kept only
     * while the order stays; when the order changes without a new plan, it is replaced by an
     * all-online plan (TFLite Micro then plans every tensor itself, as without metadata), since its
     * offsets were made for the old order. The original is returned unchanged when nothing changes.
     */
    static byte[] write(byte[] original, String sourceName, MemoryOptimization m, boolean withOfflinePlan) {
        Schedule order = m.writtenOrder(withOfflinePlan);
        boolean reorder = !isIdentity(order.order());
        byte[] out = reorder ? TfliteReorder.withOperatorOrder(original, order.order()) : original;
        if (withOfflinePlan && m.hasOfflinePlan()) {
            return OfflinePlan.write(out, OfflinePlan.of(m.offlineTensorOffsets()), sourceName);
        }
        if (reorder) {
            var old = OfflinePlan.read(original, sourceName);
            if (old.isPresent() && !old.get().allOnline()) {
                int[] online = new int[old.get().size()];
                Arrays.fill(online, OfflinePlan.ONLINE);
                return OfflinePlan.write(out, OfflinePlan.of(online), sourceName);
            }
        }
        return out;
    }

    static boolean isIdentity(int[] order) {
        for (int i = 0; i < order.length; i++) if (order[i] != i) return false;
        return true;
    }
}
