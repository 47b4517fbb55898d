package org.tinyfit.compress;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.Device;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.LiveRanges;
import org.tinyfit.memory.MinPeakScheduler;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmAbi;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.memory.TflmTail;
import org.tinyfit.tflite.OfflinePlan;
import org.tinyfit.tflite.TfliteWriter;
import org.tinyfit.graph.Provenance;
import org.tinyfit.passes.InferenceForm;

/**
 * What a float graph will need on a device once it is int8: the cost model's figures on its int8
 * layout (1-byte activations and weights, 4-byte biases). SRAM is the arena TensorFlow Lite Micro
 * needs in the best order tinyfit finds with the best plan (TFLite Micro's greedy planner or the
 * minimum-arena planner as an offline plan), plus the persistent tail TFLite Micro takes for that
 * graph ({@link TflmTail}, priced on the graph itself, so pruned channels change it where they change
 * per-channel buffers); flash is the size of the int8 layout written as a .tflite (weights and
 * flatbuffer structure; the runtime's code not included); MACs and latency are the cost model's for the device.
 */
public record Resources(long sramBytes, long arenaBytes, long tailBytes, long flashBytes, long macs, double latencyMillis) {

    /** The figures of float graph {@code g} on {@code device}, its file carrying no provenance of its own. */
    public static Resources of(Graph g, Device device) { return of(g, device, null); }

    /**
     * The figures of float graph {@code g} on {@code device} once int8, written with {@code provenance}
     * (null: none) and, when it makes the arena smaller, the offline plan, as {@code compress} writes it.
     * A training graph is costed in its inference form (batch norm folded, dropout removed).
     */
    public static Resources of(Graph g, Device device, Provenance provenance) {
        Graph int8 = int8Layout(InferenceForm.of(g));
        Schedule order = MinPeakScheduler.minimize(int8).schedule();
        TflmGreedyPlanner tflm = new TflmGreedyPlanner();
        LiveRanges ranges = LiveRanges.of(int8, order);
        long online = Math.min(tflm.plan(ranges).arenaBytes(), tflm.plan(int8, Schedule.stored(int8)).arenaBytes());
        ArenaPlan offline = tflm.planWithOffline(ranges, new MinimumArenaPlanner().plan(int8, order).offsets());
        long arena = Math.min(online, offline.arenaBytes());
        TflmTail.Result tail = TflmTail.of(int8, TflmAbi.of(device.core()));
        long sram = Math.max(arena + tail.bytes(), tail.planningBytes());
        Cost c = Cost.of(int8, device, order, tflm.plan(ranges));
        byte[] file = TfliteWriter.write(provenance == null ? int8 : provenance.attachTo(int8));
        if (offline.arenaBytes() < online) {
            long[] at = offline.offsets();
            int[] offsets = new int[at.length];
            for (int t = 0; t < at.length; t++) offsets[t] = (int) at[t];
            file = OfflinePlan.write(file, OfflinePlan.of(offsets), g.name());
        }
        return new Resources(sram, arena, tail.bytes(), file.length, c.macs(), c.latencyMicros() / 1000);
    }

    /** The value of {@code r}. */
    public double get(Resource r) {
        return switch (r) {
            case SRAM -> sramBytes;
            case FLASH -> flashBytes;
            case LATENCY -> latencyMillis;
        };
    }

    /** The resources a limit can name. */
    public enum Resource {
        SRAM("SRAM"), FLASH("flash"), LATENCY("latency");

        public final String label;

        Resource(String label) { this.label = label; }
    }

    /**
     * The int8 layout of a float graph as post-training quantization makes it: the same ops and shapes,
     * 1-byte activations and weights, 4-byte biases (a constant rank-1 third input), weights and biases
     * of convolutions and dense layers quantized per output channel. Only sizes matter, so the scales
     * are placeholders.
     */
    public static Graph int8Layout(Graph g) {
        boolean[] bias = new boolean[g.tensors().size()];
        int[] axis = new int[g.tensors().size()];
        java.util.Arrays.fill(axis, -1);
        for (Node n : g.nodes()) {
            boolean weighted = n.op() instanceof Op.Conv2D || n.op() instanceof Op.FullyConnected || n.op() instanceof Op.DepthwiseConv2D;
            if (!weighted) continue;
            int w = n.input(1), b = n.input(2);
            int ax = n.op() instanceof Op.DepthwiseConv2D ? 3 : 0;
            if (w >= 0 && g.tensor(w).isConstant()) axis[w] = ax;
            if (b >= 0 && g.tensor(b).isConstant() && g.tensor(b).shape().rank() == 1) {
                bias[b] = true;
                axis[b] = 0;
            }
        }
        Quantization q = Quantization.perTensor(1f, 0);
        List<Tensor> ts = new ArrayList<>();
        for (Tensor t : g.tensors()) {
            if (t.dtype() != DType.F32) {
                ts.add(t);
            } else if (t.isConstant()) {
                DType d = bias[t.id()] ? DType.I32 : DType.I8;
                Quantization tq = q;
                if (axis[t.id()] >= 0) {
                    int ch = t.shape().dim(axis[t.id()]);
                    float[] scales = new float[ch];
                    java.util.Arrays.fill(scales, 1f);
                    tq = new Quantization(scales, new long[ch], axis[t.id()]);
                }
                ts.add(Tensor.constant(t.id(), t.name(), d, t.shape(), tq, new byte[Math.toIntExact(t.shape().elements() * d.bytes())]));
            } else {
                ts.add(Tensor.activation(t.id(), t.name(), DType.I8, t.shape(), q));
            }
        }
        return new Graph(g.name(), ts, g.nodes(), g.inputs(), g.outputs(), g.metadata());
    }
}
