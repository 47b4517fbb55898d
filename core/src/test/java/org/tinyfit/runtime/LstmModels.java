package org.tinyfit.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Lstm;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteWriter;

/**
 * LSTM models with random but valid weights, built like TFLite Micro's mnist_lstm example (an int8
 * UNIDIRECTIONAL_SEQUENCE_LSTM with an int16 cell state over a [1, 28, 28] image read row by row, then
 * RESHAPE, FULLY_CONNECTED to 10 classes and SOFTMAX), plus variants that exercise what that model
 * does not: time-major batches, a hidden-state zero point, another cell-state scale, no cell clip, and
 * float. {@link #main} writes them (byte-identical on every run) for running in TFLite Micro; the
 * outputs TFLite Micro computed for them are in {@code lstm-tflm-outputs.tsv}.
 */
public final class LstmModels {
    private LstmModels() {}

    /** One model: its shape and quantization choices. */
    public record Spec(String name, int batch, int time, int input, int cells, boolean timeMajor, int hiddenZeroPoint,
                       float cellScale, float cellClip, boolean classifier, long seed) {}

    /** The models whose TFLite Micro outputs are recorded. */
    public static final Map<String, Spec> INT8 = new LinkedHashMap<>();

    static {
        add(new Spec("lstm_mnist_like_int8", 1, 28, 28, 20, false, 0, 1f / 4096, 10f, true, 1));
        add(new Spec("lstm_time_major_int8", 2, 6, 5, 8, true, -3, 1f / 2048, 0f, false, 2));
        add(new Spec("lstm_batch_major_clip_int8", 3, 4, 7, 6, false, 5, 1f / 8192, 0.75f, false, 3));
    }

    /** An LSTM with 16-bit activations (TFLite Micro's 16x8 path: int8 weights, int64 biases). */
    public static final Spec INT16 = new Spec("lstm_time_major_int16", 2, 5, 6, 7, true, 0, 1f / 2048, 4f, false, 4);

    private static void add(Spec s) { INT8.put(s.name(), s); }

    /** An int8 LSTM (int16 cell state) of {@code s}, weights drawn from {@code s.seed()}. */
    public static Graph int8(Spec s) { return integer(s, DType.I8); }

    /** The LSTM of {@code s} with int16 activations and hidden state (symmetric), int8 weights and int64 biases. */
    public static Graph int16(Spec s) { return integer(s, DType.I16); }

    private static Graph integer(Spec s, DType act) {
        boolean wide = act == DType.I16;
        SplittableRandom rnd = new SplittableRandom(s.seed());
        GraphBuilder b = new GraphBuilder(s.name());
        int[] dims = s.timeMajor() ? new int[] {s.time(), s.batch(), s.input()} : new int[] {s.batch(), s.time(), s.input()};
        float inScale = wide ? 1f / 8192 : 1f / 255;
        int x = b.input("input", act, Quantization.perTensor(inScale, wide ? 0 : -128), dims);
        float hiddenScale = wide ? 1f / 32768 : 1f / 128;
        int[] ins = new int[Lstm.UNIDIRECTIONAL_INPUTS];
        Arrays.fill(ins, -1);
        ins[Lstm.INPUT] = x;
        String[] gates = {"input", "forget", "cell", "output"};
        for (int k = 0; k < 4; k++) {
            float ws = 0.006f + 0.006f * (float) rnd.nextDouble();
            float rs = 0.004f + 0.006f * (float) rnd.nextDouble();
            ins[Lstm.INPUT_TO_INPUT + k] = b.constant(gates[k] + "_input_weights", DType.I8, Shape.of(s.cells(), s.input()),
                    Quantization.perTensor(ws, 0), int8s(rnd, s.cells() * s.input()));
            ins[Lstm.RECURRENT_TO_INPUT + k] = b.constant(gates[k] + "_recurrent_weights", DType.I8, Shape.of(s.cells(), s.cells()),
                    Quantization.perTensor(rs, 0), int8s(rnd, s.cells() * s.cells()));
            float bs = inScale * ws;
            ins[Lstm.INPUT_GATE_BIAS + k] = wide
                    ? b.constant(gates[k] + "_bias", DType.I64, Shape.of(s.cells()), Quantization.perTensor(bs, 0), int64s(rnd, s.cells(), (int) (0.5f / bs)))
                    : b.constant(gates[k] + "_bias", DType.I32, Shape.of(s.cells()), Quantization.perTensor(bs, 0), int32s(rnd, s.cells(), (int) (0.5f / bs)));
        }
        ins[Lstm.HIDDEN_STATE] = b.tensor(new Tensor(0, "hidden_state", act, Shape.of(s.batch(), s.cells()), Quantization.perTensor(hiddenScale, s.hiddenZeroPoint()), null, true));
        ins[Lstm.CELL_STATE] = b.tensor(new Tensor(0, "cell_state", DType.I16, Shape.of(s.batch(), s.cells()), Quantization.perTensor(s.cellScale(), 0), null, true));
        int h = b.node(new Op.UnidirectionalSequenceLstm(Op.Act.TANH, s.cellClip(), 0f, s.timeMajor(), false, false), "lstm",
                act, Quantization.perTensor(hiddenScale, s.hiddenZeroPoint()), ins);
        if (!s.classifier()) return b.output(h).build();
        int flat = s.time() * s.cells();
        int shape = b.constant("flatten_shape", DType.I32, Shape.of(2), ints(-1, flat));
        int r = b.node(new Op.Reshape(new int[] {-1, flat}), "flatten", h, shape);
        float fs = 0.008f;
        int w = b.constant("fc_weights", DType.I8, Shape.of(10, flat), Quantization.perTensor(fs, 0), int8s(rnd, 10 * flat));
        int bias = b.constant("fc_bias", DType.I32, Shape.of(10), Quantization.perTensor(hiddenScale * fs, 0), int32s(rnd, 10, 2000));
        int logits = b.node(new Op.FullyConnected(Op.Act.NONE, false), "logits", DType.I8, Quantization.perTensor(0.2f, 3), r, w, bias);
        int probs = b.node(new Op.Softmax(1f), "probs", DType.I8, Quantization.perTensor(1f / 256, -128), logits);
        return b.output(probs).build();
    }

    /** The float LSTM with the same structure as {@code s} (weights drawn from {@code s.seed()}). */
    public static Graph float32(Spec s) {
        SplittableRandom rnd = new SplittableRandom(s.seed());
        GraphBuilder b = new GraphBuilder(s.name().replace("int8", "f32"));
        int[] dims = s.timeMajor() ? new int[] {s.time(), s.batch(), s.input()} : new int[] {s.batch(), s.time(), s.input()};
        int x = b.input("input", DType.F32, dims);
        int[] ins = new int[Lstm.UNIDIRECTIONAL_INPUTS];
        Arrays.fill(ins, -1);
        ins[Lstm.INPUT] = x;
        for (int k = 0; k < 4; k++) {
            ins[Lstm.INPUT_TO_INPUT + k] = b.constant("w" + k, DType.F32, Shape.of(s.cells(), s.input()), floats(rnd, s.cells() * s.input(), 0.5f));
            ins[Lstm.RECURRENT_TO_INPUT + k] = b.constant("r" + k, DType.F32, Shape.of(s.cells(), s.cells()), floats(rnd, s.cells() * s.cells(), 0.5f));
            ins[Lstm.INPUT_GATE_BIAS + k] = b.constant("b" + k, DType.F32, Shape.of(s.cells()), floats(rnd, s.cells(), 0.3f));
        }
        ins[Lstm.HIDDEN_STATE] = b.tensor(new Tensor(0, "hidden_state", DType.F32, Shape.of(s.batch(), s.cells()), null, null, true));
        ins[Lstm.CELL_STATE] = b.tensor(new Tensor(0, "cell_state", DType.F32, Shape.of(s.batch(), s.cells()), null, null, true));
        int h = b.node(new Op.UnidirectionalSequenceLstm(Op.Act.TANH, s.cellClip(), 0f, s.timeMajor(), false, false), "lstm", DType.F32, null, ins);
        return b.output(h).build();
    }

    private static byte[] int8s(SplittableRandom rnd, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = (byte) rnd.nextInt(-127, 128);
        return out;
    }

    private static byte[] int32s(SplittableRandom rnd, int n, int bound) {
        ByteBuffer out = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) out.putInt(rnd.nextInt(-bound, bound + 1));
        return out.array();
    }

    private static byte[] int64s(SplittableRandom rnd, int n, int bound) {
        ByteBuffer out = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) out.putLong(rnd.nextInt(-bound, bound + 1));
        return out.array();
    }

    private static byte[] ints(int... v) {
        ByteBuffer out = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) out.putInt(x);
        return out.array();
    }

    private static byte[] floats(SplittableRandom rnd, int n, float scale) {
        ByteBuffer out = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) out.putFloat((float) (rnd.nextDouble(-1, 1) * scale));
        return out.array();
    }

    /** Writes every model of {@link #INT8}, their float versions and {@link #INT16}, as .tflite files into {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Spec s : INT8.values()) {
            Files.write(dir.resolve(s.name() + ".tflite"), TfliteWriter.write(int8(s)));
            Graph f = float32(s);
            Files.write(dir.resolve(f.name() + ".tflite"), TfliteWriter.write(f));
        }
        Files.write(dir.resolve(INT16.name() + ".tflite"), TfliteWriter.write(int16(INT16)));
    }
}
