package org.tinyfit.search;

import java.util.List;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Graph;
import org.tinyfit.latency.Runtimes;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmAbi;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.memory.TflmTail;

/**
 * What an int8 model needs on a device once tinyfit has optimized its deployment: SRAM, flash, MACs
 * and latency. For TensorFlow Lite Micro SRAM is the {@code tensor_arena} to request for the smallest
 * arena tinyfit plans ({@link TflmTail.Result#tensorArenaBytes}, the figure {@code analyze} reports and
 * its verdict checks); for tinyfit's generated C ({@code tinyfit export --c}) SRAM, flash and latency
 * are its project's as {@code analyze --runtime tinyfit-c} gives them ({@link Cost#codegen}: the static
 * RAM of its image, in-place arena, im2col column and input and output buffers). {@code storedOrderSramBytes} is
 * what TensorFlow Lite Micro would need without tinyfit ({@link Cost#sramBytes} of its greedy plan of
 * the stored order), kept to show what the joint optimization gains.
 */
public record Footprint(long sramBytes, long storedOrderSramBytes, long flashBytes, long macs, long parameters, double latencyMillis) {

    /**
     * The footprint of the int8 graph {@code g} on {@code device} for {@code runtime} ("tflm", a TensorFlow
     * Lite Micro kernel library such as "tflm-ref", or "c": {@link Limits}).
     * Latency is that of the core's default TensorFlow Lite Micro kernels ({@link Runtimes#defaultFor})
     * for "tflm", and tinyfit's generated C's ({@link Runtimes#TINYFIT_C}: its counted instructions' per-op
     * model) for "c".
     */
    public static Footprint of(Graph g, Device device, String runtime) {
        Schedule stored = Schedule.stored(g);
        ArenaPlan storedPlan = new TflmGreedyPlanner().plan(g, stored);
        if (runtime.equals("c")) {
            // the project tinyfit export --c writes, as analyze --runtime tinyfit-c prices it: its image's static RAM
            // (in-place arena, im2col column, input and output buffers), flash (weights, tables, code) and latency
            Cost c = Cost.codegen(g, device);
            Cost tflm = Cost.of(g, device, stored, storedPlan, -1, null);
            return new Footprint(c.peakSramBytes(), tflm.sramBytes(), c.flashBytes(), c.macs(), c.parameters(), c.latencyMicros() / 1000);
        }
        MemoryOptimization m = MemoryOptimization.of(g, List.of(new TflmGreedyPlanner(), new MinimumArenaPlanner()));
        Cost c = Cost.of(g, device, stored, storedPlan, -1, runtime.equals("tflm") ? null : runtime);
        long sram = TflmTail.of(g, TflmAbi.of(device.core())).tensorArenaBytes(m.bestPlanArenaBytes());
        return new Footprint(sram, c.sramBytes(), c.flashBytes(), c.macs(), c.parameters(), c.latencyMicros() / 1000);
    }
}
