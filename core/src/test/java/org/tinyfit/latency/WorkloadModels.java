package org.tinyfit.latency;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteWriter;

/**
 * Writes the four MLPerf Tiny workloads as {@link Workloads} builds them as int8 .tflite files, for the
 * emulated instruction counts of docs/bench-tflm-check.md ("Instructions of the MLPerf Tiny workloads in
 * three TFLite Micro versions"). Run with the directory to write to as the only argument.
 *
 * <p>Weights are random ({@code new Random(1)}, uniform in [-127, 127]) with per-channel scales for
 * convolutions and depthwise convolutions and a per-tensor scale for fully connected layers; biases are
 * random in [-1000, 1000]. Every activation has scale 0.05 and zero point -128 (0 after a layer without
 * activation), softmax outputs 1/256 and -128. A weight scale of 60 / (73 x 40 x sqrt(fan-in)) maps the
 * spread of a sum of fan-in products (weights of rms 73 times ReLU outputs of rms about 40 steps) to about
 * 60 output steps, so the outputs neither saturate nor collapse. CMSIS-NN chooses its kernels from shapes,
 * strides, padding, channel counts and the depth multiplier only, so these weights take the path trained
 * weights would.
 */
public final class WorkloadModels {
    private WorkloadModels() {}

    public static final List<String> WORKLOADS = List.of("mlperf-tiny-kws", "mlperf-tiny-vww", "mlperf-tiny-ic", "mlperf-tiny-ad");

    /** The int8 graph of a workload, quantized as described above. */
    public static Graph int8(String workload) {
        Graph g = Workloads.byName(workload);
        Random r = new Random(1);
        Quantization[] q = new Quantization[g.tensors().size()];
        byte[][] data = new byte[q.length][];
        for (int in : g.inputs()) q[in] = Quantization.perTensor(0.05f, -128);
        for (Node n : g.nodes()) {
            Op op = n.op();
            int x = n.input(0), out = n.output(0);
            float sIn = q[x].scale();
            switch (op) {
                case Op.Conv2D c -> weighted(g, n, r, q, data, sIn, false, false, c.act());
                case Op.DepthwiseConv2D d -> weighted(g, n, r, q, data, sIn, true, false, d.act());
                case Op.FullyConnected f -> weighted(g, n, r, q, data, sIn, false, true, f.act());
                case Op.Pool2D p -> q[out] = q[x];
                case Op.Reshape s -> q[out] = q[x];
                case Op.Add a -> q[out] = Quantization.perTensor(sIn, -128);
                case Op.Softmax s -> q[out] = Quantization.perTensor(1f / 256, -128);
                default -> throw new IllegalStateException(n.label() + ": not in the MLPerf Tiny workloads");
            }
        }
        List<Tensor> ts = new ArrayList<>();
        for (Tensor t : g.tensors()) {
            Tensor u = t.withQuant(q[t.id()]);
            ts.add(data[t.id()] == null ? u : u.withData(data[t.id()]));
        }
        return new Graph(g.name(), ts, g.nodes(), g.inputs(), g.outputs());
    }

    private static void weighted(Graph g, Node n, Random r, Quantization[] q, byte[][] data, float sIn, boolean depthwise, boolean fc, Op.Act act) {
        Tensor wt = g.tensor(n.input(1));
        int[] d = wt.shape().dims();
        int channels = depthwise ? d[3] : d[0];
        int fanIn = depthwise ? d[1] * d[2] : (int) (wt.shape().elements() / d[0]);
        byte[] w = new byte[(int) wt.shape().elements()];
        for (int i = 0; i < w.length; i++) w[i] = (byte) (r.nextInt(255) - 127);
        data[n.input(1)] = w;
        float[] ws = new float[fc ? 1 : channels];
        for (int c = 0; c < ws.length; c++) ws[c] = (float) (60.0 / (73 * 40 * Math.sqrt(fanIn))) * (0.75f + 0.5f * r.nextFloat());
        float[] bs = new float[ws.length];
        for (int c = 0; c < bs.length; c++) bs[c] = sIn * ws[c];
        q[n.input(1)] = fc ? Quantization.perTensor(ws[0], 0) : new Quantization(ws, new long[ws.length], depthwise ? 3 : 0);
        q[n.input(2)] = fc ? Quantization.perTensor(bs[0], 0) : new Quantization(bs, new long[bs.length], 0);
        ByteBuffer b = ByteBuffer.allocate(channels * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < channels; c++) b.putInt(r.nextInt(2001) - 1000);
        data[n.input(2)] = b.array();
        q[n.output(0)] = Quantization.perTensor(sIn, act == Op.Act.NONE ? 0 : -128);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: WorkloadModels OUTPUT_DIRECTORY");
        Files.createDirectories(Path.of(args[0]));
        for (String w : WORKLOADS) Files.write(Path.of(args[0], w + ".tflite"), TfliteWriter.write(int8(w)));
    }
}
