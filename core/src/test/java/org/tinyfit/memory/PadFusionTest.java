package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.quant.PostTrainingQuantization;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.runtime.Interpreter;

class PadFusionTest {
    /** x -> PAD(top, bottom, left, right) -> a VALID convolution or depthwise convolution of the given window. */
    static Graph padThenConv(long seed, int[] pads, boolean depthwise, int k, int stride, int dilation) {
        Random r = new Random(seed);
        return padThenConv(seed, 5 + r.nextInt(8), 5 + r.nextInt(8), pads, depthwise, k, stride, dilation);
    }

    static Graph padThenConv(long seed, int h, int w, int[] pads, boolean depthwise, int k, int stride, int dilation) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("pad-conv-" + seed);
        int c = 1 + r.nextInt(4);
        int x = b.input("x", DType.F32, 1, h, w, c);
        int p = b.constant("pads", DType.I32, Shape.of(4, 2), TensorBytes.ofInts(new int[] {0, 0, pads[0], pads[1], pads[2], pads[3], 0, 0}));
        int y = b.node(new Op.Pad(), "pad", x, p);
        int out;
        if (depthwise) {
            out = b.node(new Op.DepthwiseConv2D(Op.Padding.VALID, stride, stride, dilation, dilation, 1, Op.Act.RELU6), "dw", y,
                    FloatEval.randomConstant(b, r, "w", 1, k, k, c), FloatEval.randomConstant(b, r, "b", c));
        } else {
            int oc = 1 + r.nextInt(5);
            out = b.node(new Op.Conv2D(Op.Padding.VALID, stride, stride, dilation, dilation, Op.Act.NONE), "conv", y,
                    FloatEval.randomConstant(b, r, "w", oc, k, k, c), FloatEval.randomConstant(b, r, "b", oc));
        }
        return b.output(out).build();
    }

    /** TensorFlow's SAME border (top, bottom, left, right) for an input of {@code h} x {@code w}. */
    static int[] samePads(int h, int w, int k, int stride, int dilation) {
        int[] p = new int[4];
        int[] in = {h, w};
        for (int a = 0; a < 2; a++) {
            int eff = (k - 1) * dilation + 1, out = (in[a] + stride - 1) / stride;
            int total = Math.max(0, (out - 1) * stride + eff - in[a]);
            p[2 * a] = total / 2;
            p[2 * a + 1] = total - total / 2;
        }
        return p;
    }

    static Graph sameBorderModel(long seed) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        boolean depthwise = r.nextBoolean();
        int k = 2 + r.nextInt(4), stride = 1 + r.nextInt(2), dilation = k <= 3 && r.nextInt(3) == 0 ? 2 : 1;
        Graph probe = padThenConv(seed, new int[4], depthwise, 1, 1, 1);
        Shape x = probe.tensor(probe.inputs()[0]).shape();
        return padThenConv(seed, samePads(x.dim(1), x.dim(2), k, stride, dilation), depthwise, k, stride, dilation);
    }

    static byte[] run(Graph g, byte[] in) {
        Schedule s = Schedule.stored(g);
        return new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s)).run(new byte[][] {in})[0];
    }

    static Graph int8(Graph f, long seed) {
        Random r = new Random(seed);
        List<float[][]> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) samples.add(new float[][] {FloatEval.gaussians(r, f.tensor(f.inputs()[0]).shape().elements())});
        return PostTrainingQuantization.quantize(f, samples, PtqOptions.defaults()).graph();
    }

    @Property(tries = 40, seed = "11")
    void aPadOfExactlyTheSameBorderBecomesASameConvolutionWithTheSameBytes(@ForAll long seed) {
        for (Graph g : List.of(sameBorderModel(seed), int8(sameBorderModel(seed), seed))) {
            boolean hasBorder = false;
            for (int v : TensorBytes.constInts(g.tensor(g.node(0).input(1)))) hasBorder |= v > 0;
            Graph fused = PadFusion.apply(g);
            if (!hasBorder) {
                assertSame(g, fused, "a PAD that adds nothing is left to the other rewrites");
                continue;
            }
            assertEquals(1, fused.nodes().size(), "the PAD is gone");
            Node c = fused.node(0);
            assertEquals(Op.Padding.SAME, c.op() instanceof Op.Conv2D cv ? cv.padding() : ((Op.DepthwiseConv2D) c.op()).padding());
            ShapeInference.check(fused);
            byte[] in = new byte[(int) g.tensor(g.inputs()[0]).bytes()];
            Random r = new Random(seed);
            if (g.tensor(g.inputs()[0]).dtype() == DType.F32) in = FloatEval.bytes(FloatEval.gaussians(r, g.tensor(g.inputs()[0]).shape().elements()));
            else r.nextBytes(in);
            assertArrayEquals(run(g, in), run(fused, in), g.tensor(g.inputs()[0]).dtype() + " outputs");
        }
    }

    @Test
    void aBorderSamePaddingWouldNotAddStaysAPad() {
        // 3x3 stride 2: SAME on an even size pads (0, 1); a symmetric (1, 1) border is a different computation
        Graph g = padThenConv(3, 8, 8, new int[] {1, 1, 1, 1}, true, 3, 2, 1);
        assertSame(g, PadFusion.apply(g));
        Graph same = padThenConv(3, 8, 8, new int[] {0, 1, 0, 1}, true, 3, 2, 1);
        assertEquals(1, PadFusion.apply(same).nodes().size(), "(0, 1) is the SAME border of 8 rows");
    }

    @Test
    void aPadBeforePoolingStaysAPad() {
        GraphBuilder b = new GraphBuilder("pad-pool");
        int x = b.input("x", DType.F32, 1, 8, 8, 2);
        int p = b.constant("pads", DType.I32, Shape.of(4, 2), TensorBytes.ofInts(new int[] {0, 0, 0, 1, 0, 1, 0, 0}));
        int y = b.node(new Op.Pad(), "pad", x, p);
        int out = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 2, 2, 3, 3, Op.Act.NONE), "pool", y);
        Graph g = b.output(out).build();
        assertSame(g, PadFusion.apply(g), "average pooling's SAME border is left out of the mean, a PAD's is counted");
    }

    @Test
    void theMcunetStyleModelLosesEveryPad() {
        Graph g = org.tinyfit.quant.TinyMlModels.int8("mcunet_vww");
        long pads = g.nodes().stream().filter(n -> n.op() instanceof Op.Pad).count();
        assertTrue(pads >= 4, pads + " PADs in the model");
        Graph fused = PadFusion.apply(g);
        assertEquals(0, fused.nodes().stream().filter(n -> n.op() instanceof Op.Pad).count());
        assertEquals(g.nodes().size() - pads, fused.nodes().size());
        byte[] in = new byte[(int) g.tensor(g.inputs()[0]).bytes()];
        new Random(5).nextBytes(in);
        assertArrayEquals(run(g, in), run(fused, in));
    }
}
