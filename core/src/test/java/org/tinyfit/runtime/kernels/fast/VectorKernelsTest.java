package org.tinyfit.runtime.kernels.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.quant.TinyMlModels;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelProvider;
import org.tinyfit.runtime.TestPlans;
import org.tinyfit.runtime.kernels.BinaryKernel;

/**
 * The float kernels on the Vector API and their scalar fallback (what runs when the JVM lacks the
 * module) give the reference kernels' bytes: on random layers wide enough for the register-blocked
 * paths (four pixels, two channel blocks) and their edges (padding, strides, dilation, groups, channel
 * counts that are not a multiple of the vector), and on whole models in a JVM without the module.
 */
class VectorKernelsTest {
    @Test
    void testsRunWithTheVectorApi() {
        assertTrue(Simd.AVAILABLE, "the tests' JVM adds jdk.incubator.vector (surefire argLine), so the vector path is the one under test");
    }

    /** {@code kind}: 0 CONV_2D (maybe grouped), 1 DEPTHWISE_CONV_2D, 2 FULLY_CONNECTED, 3 ADD/SUB/MUL. */
    @Property(tries = 120)
    void vectorAndScalarKernelsGiveTheReferenceBytes(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int kind) {
        Graph g = randomLayer(new Random(seed), kind);
        if (g == null) return;
        byte[] input = FastVsReference.data(new Random(seed + 1), DType.F32, g.tensor(g.inputs()[0]).shape().elements());
        byte[] ref = run(g, input, false, List.of());
        byte[] vector = run(g, input, true, List.of(kernels(true)));
        byte[] scalar = run(g, input, true, List.of(kernels(false)));
        assertArrayEquals(ref, vector, "vector kernels, " + g);
        assertArrayEquals(ref, scalar, "scalar fast kernels, " + g);
    }

    @Test
    void aModelGivesTheSameBytesInAJvmWithoutTheVectorApi() throws Exception {
        Graph g = TinyMlModels.mcunetVww(5);
        byte[] input = input(g);
        byte[] here = run(g, input, true, List.of());
        byte[] ref = run(g, input, false, List.of());
        assertArrayEquals(ref, here, "fast kernels (vector) against the reference");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), WithoutVectorApi.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM finished");
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.lines().toArray(String[]::new);
        assertEquals("simd false", lines[lines.length - 2], out);
        assertEquals(HexFormat.of().formatHex(here), lines[lines.length - 1]);
    }

    /** Run in a JVM started without {@code --add-modules jdk.incubator.vector}: prints whether the Vector API is on, then the model's output bytes. */
    public static final class WithoutVectorApi {
        public static void main(String[] args) {
            Graph g = TinyMlModels.mcunetVww(5);
            System.out.println("simd " + Simd.AVAILABLE);
            System.out.println(HexFormat.of().formatHex(run(g, input(g), true, List.of())));
        }
    }

    static byte[] input(Graph g) { return FastVsReference.data(new Random(3), DType.F32, g.tensor(g.inputs()[0]).shape().elements()); }

    static byte[] run(Graph g, byte[] input, boolean fast, List<KernelProvider> providers) {
        Schedule s = Schedule.stored(g);
        List<KernelProvider> all = new ArrayList<>(Interpreter.defaultProviders());
        all.addAll(providers);
        return new Interpreter(g, s, fast ? new TflmGreedyPlanner().plan(g, s) : TestPlans.separate(g, 0), all, fast).run(new byte[][] {input})[0];
    }

    /** The fast float kernels with the Vector API on or off. */
    static KernelProvider kernels(boolean simd) {
        return (Node node, Graph graph) -> {
            Kernel k = switch (node.op()) {
                case Op.Conv2D c -> new FastConv(simd);
                case Op.DepthwiseConv2D d -> new FastDepthwiseConv(simd);
                case Op.FullyConnected f -> new FastFullyConnected(simd);
                case Op.Add a -> new FastBinary(BinaryKernel.Kind.ADD, a.act(), simd);
                case Op.Sub s -> new FastBinary(BinaryKernel.Kind.SUB, s.act(), simd);
                case Op.Mul m -> new FastBinary(BinaryKernel.Kind.MUL, m.act(), simd);
                default -> null;
            };
            return k;
        };
    }

    /** A random float layer, or null when its geometry has no output. */
    static Graph randomLayer(Random r, int kind) {
        int h = 1 + r.nextInt(14), w = 1 + r.nextInt(20), kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
        int sh = 1 + r.nextInt(2), sw = 1 + r.nextInt(2), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
        Op.Padding pad = r.nextBoolean() ? Op.Padding.SAME : Op.Padding.VALID;
        Op.Act act = Op.Act.values()[r.nextInt(4)];
        GraphBuilder b = new GraphBuilder("vector");
        int batches = 1 + r.nextInt(2);
        try {
            if (kind == 3) {
                int n = 1 + r.nextInt(300);
                int x = b.input("x", DType.F32, batches, n);
                int y = b.constant("y", DType.F32, Shape.of(batches, n), FastVsReference.data(r, DType.F32, batches * n));
                Op op = switch (r.nextInt(3)) { case 0 -> new Op.Add(act); case 1 -> new Op.Sub(act); default -> new Op.Mul(act); };
                return b.output(b.node(op, "z", x, y)).build();
            }
            int inC, outC;
            int[] fShape;
            Op op;
            if (kind == 0) {
                int groups = r.nextInt(4) == 0 ? 2 : 1;
                inC = groups * (1 + r.nextInt(12));
                outC = groups * (1 + r.nextInt(40));
                fShape = new int[] {outC, kh, kw, inC / groups};
                op = new Op.Conv2D(pad, sh, sw, dh, dw, act);
            } else if (kind == 1) {
                int m = r.nextInt(4) == 0 ? 2 : 1;
                inC = 1 + r.nextInt(40);
                outC = inC * m;
                fShape = new int[] {1, kh, kw, outC};
                op = new Op.DepthwiseConv2D(pad, sh, sw, dh, dw, m, act);
            } else {
                inC = 1 + r.nextInt(80);
                outC = 1 + r.nextInt(70);
                fShape = new int[] {outC, inC};
                op = new Op.FullyConnected(act, false);
            }
            int[] inShape = kind == 2 ? new int[] {batches, inC} : new int[] {batches, h, w, inC};
            int x = b.input("x", DType.F32, inShape);
            int f = b.constant("f", DType.F32, Shape.of(fShape), FastVsReference.data(r, DType.F32, Shape.of(fShape).elements()));
            int bias = r.nextBoolean() ? b.constant("b", DType.F32, Shape.of(outC), FastVsReference.data(r, DType.F32, outC)) : -1;
            Graph g = b.output(b.node(op, "y", x, f, bias)).build();
            return g.tensor(g.outputs()[0]).shape().elements() == 0 ? null : g;
        } catch (GraphException e) {
            return null; // a window larger than a VALID image
        }
    }
}
