package org.tinyfit.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;

class TfliteWriterPropertyTest {

    @Property(tries = 300)
    void randomGraphsSurviveWriteAndRead(@ForAll long seed) {
        Graph g = RandomGraphs.build(seed);
        Graph back = TfliteReader.read(TfliteWriter.write(g), "random.tflite");
        GraphAssert.same(g, back, "seed " + seed);
    }

    /** Random valid graphs over every op record with a TFLite form, with random options and quantization. */
    static final class RandomGraphs {
        private final SplittableRandom r;
        private final GraphBuilder b;
        private int x;
        private int[] dims;
        private int names;

        private RandomGraphs(long seed) {
            r = new SplittableRandom(seed);
            b = new GraphBuilder("random");
        }

        static Graph build(long seed) {
            return new RandomGraphs(seed).graph();
        }

        private String name() { return "t" + names++; }

        private Quantization quant(int channels, int axis) {
            if (r.nextInt(3) == 0) return null;
            if (channels > 1 && r.nextBoolean()) {
                float[] s = new float[channels];
                long[] z = new long[channels];
                for (int i = 0; i < channels; i++) s[i] = (float) r.nextDouble(1e-4, 1);
                return new Quantization(s, z, axis);
            }
            return Quantization.perTensor((float) r.nextDouble(1e-4, 1), r.nextInt(-128, 128));
        }

        private int constant(Shape s, int axis) {
            byte[] data = new byte[s.elements() * 4];
            for (int i = 0; i < data.length; i++) data[i] = (byte) r.nextInt(256);
            return b.constant(name(), DType.F32, s, quant(s.dim(axis), axis), data);
        }

        private int ints(int... v) {
            ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int i : v) bb.putInt(i);
            return b.constant(name(), DType.I32, Shape.of(v.length), bb.array());
        }

        private Op.Act act() { return Op.Act.values()[r.nextInt(Op.Act.values().length)]; }

        private Op.Padding padding() { return r.nextBoolean() ? Op.Padding.SAME : Op.Padding.VALID; }

        private void step() {
            int h = dims[1], w = dims[2], c = dims[3];
            switch (r.nextInt(14)) {
                case 0 -> {
                    int o = 1 + r.nextInt(6);
                    int k = 1 + r.nextInt(Math.min(3, Math.min(h, w)));
                    int filter = constant(Shape.of(o, k, k, c), 0);
                    int bias = r.nextBoolean() ? constant(Shape.of(o), 0) : -1;
                    x = b.node(new Op.Conv2D(Op.Padding.SAME, 1 + r.nextInt(2), 1 + r.nextInt(2), 1, 1, act()), name(), x, filter, bias);
                }
                case 1 -> {
                    int m = 1 + r.nextInt(2);
                    int filter = constant(Shape.of(1, 3, 3, c * m), 3);
                    x = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1 + r.nextInt(2), 1 + r.nextInt(2), m, act()), name(), x, filter);
                }
                case 2 -> x = b.node(new Op.Pool2D(r.nextBoolean() ? Op.PoolKind.AVG : Op.PoolKind.MAX, padding(), 1, 1, 1, 1, act()), name(), x);
                case 3 -> {
                    int other = constant(Shape.of(1, 1, 1, c), 3);
                    Op op = switch (r.nextInt(3)) {
                        case 0 -> new Op.Add(act());
                        case 1 -> new Op.Sub(act());
                        default -> new Op.Mul(act());
                    };
                    x = b.node(op, name(), x, other);
                }
                case 4 -> x = b.node(new Op.Relu(), name(), x);
                case 5 -> x = b.node(new Op.Relu6(), name(), x);
                case 6 -> x = b.node(r.nextBoolean() ? new Op.Logistic() : new Op.Tanh(), name(), x);
                case 7 -> x = b.node(new Op.LeakyRelu((float) r.nextDouble()), name(), x);
                case 8 -> x = b.node(new Op.Concat(r.nextBoolean() ? 3 : -1, act()), name(), x, x);
                case 9 -> x = b.node(new Op.Pad(), name(), x, ints(0, 0, r.nextInt(2), r.nextInt(2), r.nextInt(2), 0, 0, 0));
                case 10 -> x = b.node(new Op.StridedSlice(r.nextInt(16), r.nextInt(16), 0, 0, 0, r.nextBoolean()), name(), x,
                        ints(0, 0, 0, 0), ints(1, h, w, c), ints(1, 1, 1, 1));
                case 11 -> x = b.node(new Op.Quantize(), name(), DType.I8, Quantization.perTensor(0.05f, r.nextInt(-128, 128)), x);
                case 12 -> {
                    int o = 1 + r.nextInt(4);
                    int filter = constant(Shape.of(o, 2, 2, c), 0);
                    x = b.node(new Op.TransposeConv(Op.Padding.SAME, 2, 2, act()), name(), ints(1, 2 * h, 2 * w, o), filter, x);
                }
                default -> x = b.nodeWithShape(new Op.Opaque("MyCustom", BuiltinOperators.CUSTOM), name(), DType.F32, Shape.of(dims), null, x);
            }
            dims = b.build().tensor(x).shape().dims();
        }

        private Graph graph() {
            dims = new int[] {1, 2 + r.nextInt(5), 2 + r.nextInt(5), 1 + r.nextInt(4)};
            x = b.input(name(), DType.F32, quant(1, 0), dims);
            int steps = 1 + r.nextInt(6);
            for (int i = 0; i < steps && dims[1] <= 32; i++) step();
            if (r.nextBoolean()) x = b.node(new Op.Mean(r.nextBoolean()), name(), x, ints(1, 2));
            int flat = b.node(new Op.Reshape(new int[] {1, -1}), name(), x);
            int n = b.build().tensor(flat).shape().dim(1);
            int weights = constant(Shape.of(3, n), 0);
            int fc = b.node(new Op.FullyConnected(act(), r.nextBoolean()), name(), flat, weights, -1);
            x = b.node(new Op.Softmax((float) r.nextDouble(0.1, 2)), name(), fc);
            if (r.nextBoolean()) x = b.node(new Op.Dequantize(), name(), DType.F32, null, b.node(new Op.Quantize(), name(), DType.I8, Quantization.perTensor(1 / 256f, -128), x));
            return b.output(x).build();
        }
    }
}
