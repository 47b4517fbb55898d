package org.tinyfit.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

/**
 * The generated C of int8 MUL gives the Java runtime's bytes, built with the host gcc and its
 * sanitizers: two same-shaped tensors, a broadcast scalar, a broadcast per-channel vector, and the
 * input scaling a searched model with a reduced input resolution starts with (MUL and ADD by scalar
 * constants, then an average pool and a convolution), under each fused activation.
 */
class CMulTest {

    @ParameterizedTest(name = "variant {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void generatedCodeGivesTheJavaRuntimesBytes(int variant) throws IOException {
        CodegenChecks.assumeTools("gcc", "make");
        Graph g = model(variant);
        for (Node n : g.nodes()) assertNull(CKernels.unsupported(g, n), n.label());
        assertEquals(1, g.nodes().stream().filter(n -> n.op() instanceof Op.Mul).count(), "one MUL in variant " + variant);
        CodegenChecks.assertHostGivesJavaBytes(g, CProject.Options.DEFAULT, new Random(variant), 3, "variant " + variant);
    }

    /** Variant {@code v}: its shape of MUL ({@code v % 4}) under activation NONE or RELU ({@code v / 4}). */
    static Graph model(int v) {
        Random r = new Random(100 + v);
        Op.Act act = v / 4 == 0 ? Op.Act.NONE : Op.Act.RELU;
        GraphBuilder b = new GraphBuilder("mul-" + v);
        int x = b.input("x", DType.I8, Int8Graphs.q(0.05f, 7), 1, 6, 7, 3);
        int t = switch (v % 4) {
            case 0 -> {
                int y = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.SAME, 1, 1, 3, 3, Op.Act.NONE), "pool", x);
                yield b.node(new Op.Mul(act), "mul", DType.I8, Int8Graphs.q(0.11f, -5), x, y);
            }
            case 1 -> {
                int k = b.constant("k", DType.I8, Shape.of(1), Int8Graphs.q(0.02f, -3), new byte[] {(byte) 77});
                yield b.node(new Op.Mul(act), "mul", DType.I8, Int8Graphs.q(0.07f, 4), x, k);
            }
            case 2 -> {
                int k = b.constant("k", DType.I8, Shape.of(3), Int8Graphs.q(0.03f, 2), Int8Graphs.bytes(r, 3));
                yield b.node(new Op.Mul(act), "mul", DType.I8, Int8Graphs.q(0.09f, -11), x, k);
            }
            default -> {
                int k = b.constant("scale", DType.I8, Shape.of(1), Int8Graphs.q(0.004f, 0), new byte[] {(byte) 127});
                int m = b.node(new Op.Mul(act), "scale", DType.I8, Int8Graphs.q(0.03f, -20), x, k);
                int c = b.constant("shift", DType.I8, Shape.of(1), Int8Graphs.q(0.01f, 0), new byte[] {(byte) -90});
                int a = b.node(new Op.Add(Op.Act.NONE), "shift", DType.I8, Int8Graphs.q(0.035f, 6), m, c);
                int p = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "half", a);
                int w = b.constant("conv/w", DType.I8, Shape.of(4, 3, 3, 3), Int8Graphs.q(0.01f, 0), Int8Graphs.bytes(r, 4 * 27));
                int bias = b.constant("conv/b", DType.I32, Shape.of(4), Int8Graphs.q(0.035f * 0.01f, 0), new byte[16]);
                yield b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU), "conv", DType.I8, Int8Graphs.q(0.05f, -128), p, w, bias);
            }
        };
        return b.output(t).build();
    }
}
