package org.tinyfit.cost;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.device.Core;
import org.tinyfit.device.Device;
import org.tinyfit.device.KernelCycles;
import org.tinyfit.device.LatencyModel;
import org.tinyfit.device.Source;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.latency.Runtimes;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmAbi;
import org.tinyfit.memory.TflmTail;

class CostTest {
    /** A 100 MHz device whose cycle figures are easy to check by hand. */
    static Device device(long sram, long largest, long flash) {
        LatencyModel lat = new LatencyModel("test", new KernelCycles(2, 3, 4, 1), new KernelCycles(5, 6, 7, 2), new KernelCycles(10, 11, 12, 3),
                100, "test figures", List.of());
        return new Device("test-board", "Test Board", "T1", Core.CORTEX_M4F, 100_000_000, sram, largest, flash,
                new Source("T1 datasheet", "", "https://example.com"), lat, "", null);
    }

    static Device big() { return device(1 << 20, 1 << 20, 4 << 20); }

    static Cost cost(Graph g, Device d) { return cost(g, d, 0); }

    /** The cost with the board's own cycle table, so that latencies can be checked by hand. */
    static Cost cost(Graph g, Device d, long arenaBytes) {
        return Cost.of(g, d, Schedule.stored(g), new ArenaPlan(new long[g.tensors().size()], arenaBytes, "test"), -1, Runtimes.TABLE);
    }

    static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putInt(x);
        return b.array();
    }

    @Test
    void convMacsAreOutputPositionsTimesKernelTimesInputChannels() {
        GraphBuilder b = new GraphBuilder("conv");
        int x = b.input("x", DType.I8, 1, 32, 32, 3);
        int w = b.constant("w", DType.I8, Shape.of(8, 3, 3, 3), new byte[8 * 27]);
        int bias = b.constant("b", DType.I32, Shape.of(8), new byte[32]);
        Graph g = b.output(b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "y", x, w, bias)).build();
        Cost c = cost(g, big());
        assertEquals(32L * 32 * 8 * 3 * 3 * 3, c.macs());
        assertEquals(8 * 27 + 8, c.parameters());
        assertEquals(8 * 27 + 32, c.nodes().get(0).weightBytes());
        assertEquals(32 * 32 * 3 + 32 * 32 * 8, c.nodes().get(0).activationBytes());
    }

    @Test
    void groupedConvCountsOnlyTheChannelsOfItsGroup() {
        GraphBuilder b = new GraphBuilder("grouped");
        int x = b.input("x", DType.F32, 2, 8, 8, 4);
        int w = b.constant("w", DType.F32, Shape.of(6, 3, 3, 2), new byte[6 * 9 * 2 * 4]);
        Graph g = b.output(b.node(new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.NONE), "y", x, w)).build();
        assertEquals(2L * 6 * 6 * 6 * 3 * 3 * 2, cost(g, big()).macs());
    }

    @Test
    void depthwiseMacsHaveNoInputChannelFactor() {
        GraphBuilder b = new GraphBuilder("dw");
        int x = b.input("x", DType.I8, 1, 16, 16, 8);
        int w = b.constant("w", DType.I8, Shape.of(1, 3, 3, 16), new byte[9 * 16]);
        Graph g = b.output(b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 2, 2, 1, 1, 2, Op.Act.NONE), "y", x, w)).build();
        assertEquals(8L * 8 * 16 * 9, cost(g, big()).macs());
    }

    @Test
    void fullyConnectedMacsAreBatchTimesInTimesOut() {
        GraphBuilder b = new GraphBuilder("fc");
        int x = b.input("x", DType.F32, 3, 16);
        int w = b.constant("w", DType.F32, Shape.of(10, 16), new byte[160 * 4]);
        int bias = b.constant("b", DType.F32, Shape.of(10), new byte[40]);
        Graph g = b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "y", x, w, bias)).build();
        Cost c = cost(g, big());
        assertEquals(3L * 16 * 10, c.macs());
        assertEquals(170, c.parameters());
    }

    @Test
    void transposeConvMacsScatterEveryInputOverTheKernel() {
        GraphBuilder b = new GraphBuilder("tconv");
        int shape = b.constant("shape", DType.I32, Shape.of(4), ints(1, 8, 8, 5));
        int w = b.constant("w", DType.I8, Shape.of(5, 3, 3, 3), new byte[5 * 9 * 3]);
        int x = b.input("x", DType.I8, 1, 4, 4, 3);
        Graph g = b.output(b.node(new Op.TransposeConv(Op.Padding.SAME, 2, 2, Op.Act.NONE), "y", shape, w, x)).build();
        Cost c = cost(g, big());
        assertEquals(4L * 4 * 3 * 3 * 3 * 5, c.macs());
        assertEquals(5 * 9 * 3, c.parameters(), "the output-shape constant is not a parameter");
        assertEquals(5 * 9 * 3 + 16, c.constantBytes());
    }

    @Test
    void svdfMacsAreTheFeatureAndTimeProducts() {
        GraphBuilder b = new GraphBuilder("svdf");
        int x = b.input("x", DType.F32, 1, 40);
        int wf = b.constant("wf", DType.F32, Shape.of(16, 40), new byte[16 * 40 * 4]);
        int wt = b.constant("wt", DType.F32, Shape.of(16, 8), new byte[16 * 8 * 4]);
        int bias = b.constant("b", DType.F32, Shape.of(8), new byte[32]);
        int state = b.tensor(new org.tinyfit.graph.Tensor(0, "state", DType.F32, Shape.of(1, 128), null, null, true));
        Graph g = b.output(b.node(new Op.Svdf(2, Op.Act.RELU), "y", x, wf, wt, bias, state)).build();
        Cost c = cost(g, big());
        assertEquals(16L * (40 + 8), c.macs());
        assertEquals(16 * 40 + 16 * 8 + 8, c.parameters());
    }

    @Test
    void poolingAndElementwiseCountOpsNotMacs() {
        GraphBuilder b = new GraphBuilder("pool");
        int x = b.input("x", DType.I8, 1, 8, 8, 4);
        int p = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "p", x);
        int r = b.node(new Op.Relu(), "r", p);
        Graph g = b.output(r).build();
        Cost c = cost(g, big());
        assertEquals(0, c.macs());
        assertEquals(4L * 4 * 4 * 2 * 2, c.nodes().get(0).elementOps());
        assertEquals(4L * 4 * 4, c.nodes().get(1).elementOps());
    }

    @Test
    void shapeConstantsTakeFlashButAreNotParameters() {
        GraphBuilder b = new GraphBuilder("reshape");
        int x = b.input("x", DType.F32, 1, 4, 4);
        int shape = b.constant("shape", DType.I32, Shape.of(2), ints(1, 16));
        Graph g = b.output(b.node(new Op.Reshape(new int[0]), "y", x, shape)).build();
        Cost c = cost(g, big());
        assertEquals(0, c.parameters());
        assertEquals(8, c.constantBytes());
        assertEquals(8, c.nodes().get(0).weightBytes());
    }

    @Test
    void aConstantSharedByTwoNodesCountsOnceInTheTotal() {
        GraphBuilder b = new GraphBuilder("shared");
        int x = b.input("x", DType.F32, 1, 4);
        int k = b.constant("k", DType.F32, Shape.of(1, 4), new byte[16]);
        int a = b.node(new Op.Add(Op.Act.NONE), "a", x, k);
        int m = b.node(new Op.Mul(Op.Act.NONE), "m", a, k);
        Cost c = cost(b.output(m).build(), big());
        assertEquals(4, c.parameters());
        assertEquals(4, c.nodes().get(0).parameters());
        assertEquals(4, c.nodes().get(1).parameters());
    }

    @Test
    void latencyIsMacsTimesCyclesPlusElementsPlusOverheadAtTheClock() {
        GraphBuilder b = new GraphBuilder("lat");
        int x = b.input("x", DType.I8, 1, 10);
        int w = b.constant("w", DType.I8, Shape.of(5, 10), new byte[50]);
        int fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, w);
        int s = b.node(new Op.Softmax(1f), "s", fc);
        Cost c = cost(b.output(s).build(), big());
        // FC: 50 MACs x 4 cycles + 100 overhead = 300 cycles = 3 us at 100 MHz; softmax: 5 elements x 1 + 100 = 1.05 us.
        assertEquals(3.0, c.nodes().get(0).latencyMicros(), 1e-9);
        assertEquals(1.05, c.nodes().get(1).latencyMicros(), 1e-9);
        assertEquals(4.05, c.latencyMicros(), 1e-9);
    }

    @Test
    void int16AndFloatActivationsUseTheirOwnTables() {
        for (var dt : List.of(DType.I16, DType.F32)) {
            GraphBuilder b = new GraphBuilder("t");
            int x = b.input("x", dt, 1, 10);
            int w = b.constant("w", DType.I8, Shape.of(5, 10), new byte[50]);
            Graph g = b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, w)).build();
            double cyclesPerMac = dt == DType.I16 ? 7 : 12;
            assertEquals((50 * cyclesPerMac + 100) / 100.0, cost(g, big()).latencyMicros(), 1e-9, dt.toString());
            assertEquals(dt == DType.I16 ? "int16" : "float32", cost(g, big()).nodes().get(0).dtype());
        }
    }

    @Test
    void hybridModelIsReportedAndTfliteMicroCannotRunIt() {
        GraphBuilder b = new GraphBuilder("hybrid");
        int x = b.input("x", DType.F32, 1, 16);
        int w = b.constant("w", DType.I8, Shape.of(4, 16), org.tinyfit.graph.Quantization.perTensor(0.1f, 0), new byte[64]);
        int bias = b.constant("b", DType.F32, Shape.of(4), new byte[16]);
        Graph g = b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", DType.F32, null, x, w, bias)).build();
        Cost c = cost(g, big());
        assertTrue(c.hybrid());
        Finding f = c.findings().stream().filter(x2 -> x2.code() == Finding.Code.HYBRID).findFirst().orElseThrow();
        assertTrue(f.blocking());
        assertEquals(0, f.node());
        assertTrue(f.message().contains("TFLite Micro cannot run hybrid models"), f.message());
    }

    @Test
    void floatModelWithFloatWeightsIsNotHybrid() {
        GraphBuilder b = new GraphBuilder("float");
        int x = b.input("x", DType.F32, 1, 16);
        int w = b.constant("w", DType.F32, Shape.of(4, 16), new byte[256]);
        Graph g = b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, w)).build();
        Cost c = cost(g, big());
        assertFalse(c.hybrid());
        assertTrue(c.findings().stream().noneMatch(Finding::blocking), c.findings().toString());
    }

    @Test
    void opaqueOpIsUnsupportedByTinyfitAndByTfliteMicroUnlessItHasAKernel() {
        for (String name : List.of("MY_CUSTOM_OP", "TRANSPOSE")) {
            GraphBuilder b = new GraphBuilder("opaque");
            int x = b.input("x", DType.F32, 2, 3);
            int y = b.nodeWithShape(new Op.Opaque(name, 39), "y", DType.F32, Shape.of(3, 2), null, x);
            Cost c = cost(b.output(y).build(), big());
            List<Finding.Code> codes = c.findings().stream().map(Finding::code).toList();
            assertTrue(codes.contains(Finding.Code.UNSUPPORTED_BY_TINYFIT), codes.toString());
            assertTrue(codes.contains(Finding.Code.UNKNOWN_COST), codes.toString());
            assertEquals(!name.equals("TRANSPOSE"), codes.contains(Finding.Code.UNSUPPORTED_BY_TFLM), name + " " + codes);
            assertEquals(1.0, c.latencyMicros(), 1e-9, "only the per-op overhead");
        }
    }

    @Test
    void batchNormAndDropoutAreFlaggedForTfliteMicro() {
        GraphBuilder b = new GraphBuilder("train-ops");
        int x = b.input("x", DType.F32, 1, 4, 4, 2);
        int[] p = new int[4];
        for (int i = 0; i < 4; i++) p[i] = b.constant("p" + i, DType.F32, Shape.of(2), new byte[8]);
        int n = b.node(new Op.BatchNorm(1e-3f, 0.99f), "bn", x, p[0], p[1], p[2], p[3]);
        int d = b.node(new Op.Dropout(0.5f), "drop", n);
        Cost c = cost(b.output(d).build(), big());
        assertEquals(2, c.findings().stream().filter(f -> f.code() == Finding.Code.UNSUPPORTED_BY_TFLM).count(), c.findings().toString());
        assertEquals(8, c.parameters());
        assertEquals(0, c.nodes().get(1).elementOps(), "dropout is the identity at inference");
    }

    @Test
    void uncalibratedDeviceIsFlagged() {
        GraphBuilder b = new GraphBuilder("r");
        Graph g = b.output(b.node(new Op.Relu(), "y", b.input("x", DType.F32, 1, 4))).build();
        assertTrue(cost(g, big()).findings().stream().anyMatch(f -> f.code() == Finding.Code.UNCALIBRATED_LATENCY));
    }

    static Graph tiny() {
        GraphBuilder b = new GraphBuilder("tiny");
        int x = b.input("x", DType.I8, 1, 64);
        int w = b.constant("w", DType.I8, Shape.of(64, 64), new byte[4096]);
        return b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, w)).build();
    }

    @Test
    void sramBudgetIsArenaPlusPersistentTail() {
        Graph g = tiny();
        Cost c = cost(g, big(), 128);
        assertEquals(128 + TflmTail.of(g, TflmAbi.of(big().core())).bytes(), c.peakSramBytes());
        assertEquals(128, c.arenaBytes());
    }

    @Test
    void flashBudgetIsModelPlusRuntimeCode() {
        Graph g = tiny();
        Cost c = cost(g, big());
        assertEquals(TflmOverhead.CORE_CODE_BYTES + TflmOverhead.CODE_BYTES_PER_OP_KIND, c.codeBytes());
        assertEquals(c.modelBytes() + c.codeBytes(), c.flashBytes());
        assertFalse(c.modelBytesMeasured());
        Cost measured = Cost.of(g, big(), Schedule.stored(g), new ArenaPlan(new long[g.tensors().size()], 0, "t"), 5000);
        assertEquals(5000, measured.modelBytes());
        assertTrue(measured.modelBytesMeasured());
    }

    @Test
    void tooLittleSramIsTheBindingConstraintByItsShortfall() {
        Graph g = tiny();
        long need = 1000 + TflmTail.of(g, TflmAbi.of(big().core())).bytes();
        Cost c = cost(g, device(need - 100, need - 100, 1 << 20), 1000);
        assertFalse(c.verdict().fits());
        assertEquals("SRAM", c.verdict().binding());
        assertEquals(-100, c.verdict().marginBytes());
        assertEquals(-100.0 * 100 / (need - 100), c.verdict().marginPercent(), 1e-9);
        assertTrue(c.verdict().sentence().startsWith("DOES NOT FIT: SRAM is over by 100 bytes"), c.verdict().sentence());
    }

    @Test
    void tooLittleFlashIsTheBindingConstraint() {
        Graph g = tiny();
        Cost c = cost(g, device(1 << 20, 1 << 20, 20_000), 0);
        assertFalse(c.verdict().fits());
        assertEquals("flash", c.verdict().binding());
        assertEquals(20_000 - c.flashBytes(), c.verdict().marginBytes());
    }

    @Test
    void fragmentedSramCanBindEvenWhenTheTotalFits() {
        Graph g = tiny();
        long need = 10_000 + TflmTail.of(g, TflmAbi.of(big().core())).bytes();
        Cost c = cost(g, device(need * 2, need - 1, 1 << 20), 10_000);
        assertFalse(c.verdict().fits());
        assertEquals("contiguous SRAM", c.verdict().binding());
    }

    @Test
    void fittingModelReportsItsTightestHeadroom() {
        Graph g = tiny();
        Cost c = cost(g, device(100_000, 100_000, 10_000_000), 1000);
        assertTrue(c.verdict().fits());
        assertEquals("SRAM", c.verdict().binding());
        assertEquals(100_000 - c.peakSramBytes(), c.verdict().marginBytes());
        assertTrue(c.verdict().sentence().startsWith("FITS: tightest is SRAM"), c.verdict().sentence());
    }

    @Test
    void rowsFollowTheScheduleAndABadScheduleIsRejected() {
        GraphBuilder b = new GraphBuilder("branches");
        int x = b.input("x", DType.F32, 1, 4);
        int r = b.node(new Op.Relu(), "r", x);
        int t = b.node(new Op.Tanh(), "t", x);
        Graph g = b.output(r, t).build();
        Cost c = Cost.of(g, big(), new Schedule(new int[] {1, 0}), new ArenaPlan(new long[g.tensors().size()], 0, "t"));
        assertEquals(List.of(1, 0), c.nodes().stream().map(NodeCost::node).toList());
        assertEquals("TANH", c.nodes().get(0).op());
        GraphBuilder b2 = new GraphBuilder("chain");
        int y = b2.node(new Op.Relu(), "y", b2.input("x", DType.F32, 1, 4));
        Graph chain = b2.output(b2.node(new Op.Tanh(), "z", y)).build();
        assertThrows(GraphException.class, () -> Cost.of(chain, big(), new Schedule(new int[] {1, 0}), new ArenaPlan(new long[chain.tensors().size()], 0, "t")));
    }

    @Property(tries = 60)
    void convMacsScaleWithBatchAndOutputChannels(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 8) int out,
                                                 @ForAll @IntRange(min = 3, max = 12) int size, @ForAll @IntRange(min = 1, max = 3) int k) {
        GraphBuilder b = new GraphBuilder("p");
        int x = b.input("x", DType.F32, batch, size, size, 2);
        int w = b.constant("w", DType.F32, Shape.of(out, k, k, 2), new byte[out * k * k * 2 * 4]);
        Graph g = b.output(b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "y", x, w)).build();
        Cost c = cost(g, big());
        assertEquals((long) batch * size * size * out * k * k * 2, c.macs());
        assertTrue(c.latencyMicros() > 0);
    }
}
