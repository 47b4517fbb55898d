package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.InPlacePlanCheck;
import org.tinyfit.memory.InPlacePlanner;
import org.tinyfit.memory.LiveModel;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.RowPipeline;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.StepMemory;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.quant.PostTrainingQuantization;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.quant.TinyMlModels;

/**
 * Streamed row pipelines ({@link RowPipeline}, {@link RowPipelineKernels}): the collapsed graph, planned
 * in place, gives the same bytes as the layers run one after the other, and the run touches exactly
 * the bytes the plan reserves.
 */
class RowPipelineTest {
    @Test
    void dsCnnStreamsFromTheFirstConvolutionIntoTheAveragePool() {
        Graph g = TinyMlModels.int8("ds_cnn_kws");
        RowPipeline.Result r = RowPipeline.apply(g);
        assertEquals(1, r.pipelines().size());
        RowPipeline p = r.pipelines().get(0);
        assertTrue(p.pooled());
        assertEquals(9, p.layers().size(), "conv and four depthwise-separable blocks");
        assertEquals(0, p.firstNode());
        assertTrue(r.peakBytesAfter() < r.peakBytesBefore(), r.peakBytesAfter() + " vs " + r.peakBytesBefore());
        // no intermediate 25x5x64 tensor is left in the graph
        for (var t : r.graph().tensors()) assertFalse(!t.isConstant() && t.bytes() == 25 * 5 * 64, t.name());
    }

    @Test
    void dsCnnStreamedOutputsEqualThePlainRuntimesOnSeededInputs() {
        Graph g = TinyMlModels.int8("ds_cnn_kws");
        RowPipeline.Result r = RowPipeline.apply(g);
        Schedule order = r.schedule();
        ArenaPlan plan = new InPlacePlanner().solve(r.graph(), order).plan();
        InPlacePlanCheck.verify(r.graph(), order, plan);
        Schedule stored = Schedule.stored(g);
        ArenaPlan tflm = new TflmGreedyPlanner().plan(g, stored);
        Interpreter plainFast = new Interpreter(g, stored, tflm);
        Interpreter plainReference = new Interpreter(g, stored, tflm, Interpreter.defaultProviders(), false);
        Interpreter streamed = new Interpreter(r.graph(), order, plan, new RowPipelineKernels(r.pipelines()).withDefaults(), true);
        int pooledPlain = tensorNamed(g, r.graph().tensor(r.graph().node(0).output(0)).name());
        for (long seed = 1; seed <= 6; seed++) {
            byte[][] in = {bytes(new Random(seed), (int) g.tensor(g.inputs()[0]).bytes())};
            byte[][] want = plainFast.run(in);
            byte[] pooled = plainFast.arena().read(pooledPlain);
            byte[][] got = streamed.run(in);
            assertArrayEquals(want[0], got[0], "seed " + seed);
            assertArrayEquals(pooled, streamed.arena().read(r.graph().node(0).output(0)), "average pool, seed " + seed);
            assertArrayEquals(plainReference.run(in)[0], got[0], "reference kernels, seed " + seed);
        }
    }

    @Test
    void dsCnnRunTouchesExactlyThePlannedArena() {
        Graph g = TinyMlModels.int8("ds_cnn_kws");
        MemoryOptimization m = MemoryOptimization.of(g, List.of());
        assertTrue(m.streams());
        RowPipeline.Result r = m.streamed();
        InPlacePlanner.Result planned = new InPlacePlanner().solve(r.graph(), r.schedule());
        long bound = StepMemory.peakBytes(r.graph(), r.schedule(), LiveModel.IN_PLACE);
        assertEquals(m.streamedPeakBytes(), bound, "the reported peak is the in-place bound of the collapsed graph");
        Interpreter run = new Interpreter(r.graph(), r.schedule(), planned.plan(), new RowPipelineKernels(r.pipelines()).withDefaults(), true);
        byte[][] in = {bytes(new Random(7), (int) g.tensor(g.inputs()[0]).bytes())};
        long touched = highWaterBytes(run, in);
        assertEquals(planned.plan().arenaBytes(), align16(touched), "bytes the run wrote, rounded to the 16-byte alignment, against the plan");
        assertEquals(bound + planned.gapBytes(), planned.plan().arenaBytes());
        ArenaProof proof = ArenaProof.ofStreamed(g, m);
        assertTrue(proof.verified(), proof.check());
        assertEquals(planned.plan().arenaBytes(), proof.arenaBytes());
    }

    /** Random runs of convolutions and depthwise convolutions (kernels, strides, dilations, padding, multipliers), pooled or not. */
    @Test
    void randomPipelinesComputeWhatTheirLayersCompute() {
        int pooled = 0;
        for (long seed = 0; seed < 40; seed++) {
            Graph g = randomModel(seed);
            List<RowPipeline> found = RowPipeline.find(g);
            assertEquals(1, found.size(), "seed " + seed + ": " + g);
            RowPipeline p = found.get(0);
            if (p.pooled()) pooled++;
            Graph c = p.collapse();
            Schedule order = Schedule.stored(c);
            ArenaPlan plan = new InPlacePlanner().solve(c, order).plan();
            InPlacePlanCheck.verify(c, order, plan);
            Schedule stored = Schedule.stored(g);
            Interpreter plain = new Interpreter(g, stored, new TflmGreedyPlanner().plan(g, stored), Interpreter.defaultProviders(), false);
            Interpreter streamed = new Interpreter(c, order, plan, new RowPipelineKernels(found).withDefaults(), true);
            for (int k = 0; k < 3; k++) {
                byte[][] in = {bytes(new Random(seed * 31 + k), (int) g.tensor(g.inputs()[0]).bytes())};
                assertArrayEquals(plain.run(in)[0], streamed.run(in)[0], "seed " + seed + " input " + k);
            }
            long touched = highWaterBytes(streamed, new byte[][] {bytes(new Random(seed), (int) g.tensor(g.inputs()[0]).bytes())});
            assertEquals(plan.arenaBytes(), align16(touched), "seed " + seed);
        }
        assertTrue(pooled > 5 && pooled < 35, pooled + " pooled");
    }

    @Test
    void applyNeverRaisesThePeak() {
        for (String name : TinyMlModels.names()) {
            RowPipeline.Result r = RowPipeline.apply(TinyMlModels.int8(name));
            assertTrue(r.peakBytesAfter() <= r.peakBytesBefore(), name);
            if (r.pipelines().isEmpty()) assertEquals(r.peakBytesBefore(), r.peakBytesAfter(), name);
        }
    }

    /**
     * The bytes of the arena the run writes, measured: the run is repeated over two different fills,
     * and the highest byte that differs from its fill in either run ends the span.
     */
    static long highWaterBytes(Interpreter run, byte[][] in) {
        byte[] arena = run.arena().bytes();
        int top = 0;
        for (byte fill : new byte[] {(byte) 0x5a, (byte) 0xa5}) {
            java.util.Arrays.fill(arena, fill);
            run.run(in);
            for (int i = arena.length - 1; i >= top; i--) {
                if (arena[i] != fill) {
                    top = i + 1;
                    break;
                }
            }
        }
        return top;
    }

    static long align16(long n) { return (n + 15) / 16 * 16; }

    private static int tensorNamed(Graph g, String name) {
        for (var t : g.tensors()) if (t.name().equals(name)) return t.id();
        throw new AssertionError("no tensor " + name);
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static Graph randomModel(long seed) {
        Random r = new Random(seed);
        int h = 6 + r.nextInt(14), w = 3 + r.nextInt(8), c = 1 + r.nextInt(4);
        GraphBuilder b = new GraphBuilder("pipeline" + seed);
        int x = b.input("input", DType.F32, 1, h, w, c);
        int layers = 2 + r.nextInt(4);
        for (int i = 0; i < layers; i++) {
            Shape s = b.tensorAt(x).shape();
            int ih = s.dim(1), iw = s.dim(2), ic = s.dim(3);
            int kh = 1 + r.nextInt(Math.min(4, ih)), kw = 1 + r.nextInt(Math.min(3, iw));
            int sh = ih > 4 && r.nextInt(3) == 0 ? 2 : 1, sw = iw > 4 && r.nextInt(3) == 0 ? 2 : 1;
            int dil = r.nextInt(4) == 0 && (kh - 1) * 2 < ih && (kw - 1) * 2 < iw ? 2 : 1;
            Op.Padding pad = r.nextBoolean() ? Op.Padding.SAME : Op.Padding.VALID;
            Op.Act act = new Op.Act[] {Op.Act.NONE, Op.Act.RELU, Op.Act.RELU6}[r.nextInt(3)];
            String name = "layer" + i;
            if (i > 0 && r.nextBoolean()) {
                int mult = r.nextInt(3) == 0 ? 2 : 1;
                x = b.node(new Op.DepthwiseConv2D(pad, sh, sw, dil, dil, mult, act), name, x, weights(b, r, name + "/w", 1, kh, kw, ic * mult),
                        bias(b, r, name + "/b", ic * mult));
            } else {
                int oc = 1 + r.nextInt(6);
                x = b.node(new Op.Conv2D(pad, sh, sw, dil, dil, act), name, x, weights(b, r, name + "/w", oc, kh, kw, ic), bias(b, r, name + "/b", oc));
            }
        }
        if (r.nextBoolean()) {
            Shape s = b.tensorAt(x).shape();
            x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, s.dim(1), s.dim(2), s.dim(1), s.dim(2), Op.Act.NONE), "pool", x);
        }
        Graph f = b.output(x).build();
        List<float[][]> samples = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            float[] v = new float[h * w * c];
            for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
            samples.add(new float[][] {v});
        }
        return PostTrainingQuantization.quantize(f, samples, PtqOptions.defaults()).graph();
    }

    private static int weights(GraphBuilder b, Random r, String name, int... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[s.elements()];
        float k = (float) Math.sqrt(2.0 / Math.max(1, s.elements() / (dims[0] == 1 ? dims[3] : dims[0])));
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * k;
        return b.constant(name, DType.F32, s, TensorBytes.ofFloats(v));
    }

    private static int bias(GraphBuilder b, Random r, String name, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian() * 0.1f;
        return b.constant(name, DType.F32, Shape.of(n), TensorBytes.ofFloats(v));
    }
}
