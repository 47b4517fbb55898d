package org.tinyfit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.cost.Finding;
import org.tinyfit.cost.Support;
import org.tinyfit.cost.Work;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.latency.Latency;
import org.tinyfit.memory.ScratchRequirement;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/** LSTM ops in the graph: shapes, MACs, the file format, what TFLite Micro and tinyfit's runtime can run. */
class LstmTest {

    /** A float LSTM on [batch, time, in] with {@code cells} cells; {@code projection}: P outputs through a projection (0: none). */
    static Graph unidirectional(int batch, int time, int in, int cells, int projection, boolean peephole) {
        GraphBuilder b = new GraphBuilder("lstm");
        int x = b.input("x", DType.F32, batch, time, in);
        int out = projection > 0 ? projection : cells;
        int[] ins = new int[Lstm.UNIDIRECTIONAL_INPUTS];
        Arrays.fill(ins, -1);
        ins[0] = x;
        for (int k = 0; k < 4; k++) {
            ins[Lstm.INPUT_TO_INPUT + k] = b.constant("w" + k, DType.F32, Shape.of(cells, in), floats(cells * in));
            ins[Lstm.RECURRENT_TO_INPUT + k] = b.constant("r" + k, DType.F32, Shape.of(cells, out), floats(cells * out));
            ins[Lstm.INPUT_GATE_BIAS + k] = b.constant("b" + k, DType.F32, Shape.of(cells), floats(cells));
        }
        if (peephole) for (int k = 0; k < 3; k++) ins[Lstm.CELL_TO_INPUT + k] = b.constant("p" + k, DType.F32, Shape.of(cells), floats(cells));
        if (projection > 0) ins[Lstm.PROJECTION_WEIGHTS] = b.constant("proj", DType.F32, Shape.of(projection, cells), floats(projection * cells));
        ins[Lstm.HIDDEN_STATE] = b.tensor(new Tensor(0, "h", DType.F32, Shape.of(batch, out), null, null, true));
        ins[Lstm.CELL_STATE] = b.tensor(new Tensor(0, "c", DType.F32, Shape.of(batch, cells), null, null, true));
        int y = b.node(new Op.UnidirectionalSequenceLstm(Op.Act.TANH, 0f, 0f, false, false, false), "y", DType.F32, null, ins);
        return b.output(y).build();
    }

    static Graph bidirectional(int batch, int time, int in, int fwCells, int bwCells) {
        GraphBuilder b = new GraphBuilder("bilstm");
        int x = b.input("x", DType.F32, time, batch, in);
        int[] ins = new int[Lstm.BIDIRECTIONAL_INPUTS];
        Arrays.fill(ins, -1);
        ins[0] = x;
        int[] cells = {fwCells, bwCells};
        int[] base = {Lstm.BIDI_FORWARD - 1, Lstm.BIDI_BACKWARD - 1};
        for (int d = 0; d < 2; d++) {
            int s = cells[d];
            for (int k = 0; k < 4; k++) {
                ins[base[d] + Lstm.INPUT_TO_INPUT + k] = b.constant("w" + d + k, DType.F32, Shape.of(s, in), floats(s * in));
                ins[base[d] + Lstm.RECURRENT_TO_INPUT + k] = b.constant("r" + d + k, DType.F32, Shape.of(s, s), floats(s * s));
                ins[base[d] + Lstm.INPUT_GATE_BIAS + k] = b.constant("b" + d + k, DType.F32, Shape.of(s), floats(s));
            }
        }
        ins[Lstm.BIDI_FW_HIDDEN] = b.tensor(new Tensor(0, "fh", DType.F32, Shape.of(batch, fwCells), null, null, true));
        ins[Lstm.BIDI_FW_CELL] = b.tensor(new Tensor(0, "fc", DType.F32, Shape.of(batch, fwCells), null, null, true));
        ins[Lstm.BIDI_BW_HIDDEN] = b.tensor(new Tensor(0, "bh", DType.F32, Shape.of(batch, bwCells), null, null, true));
        ins[Lstm.BIDI_BW_CELL] = b.tensor(new Tensor(0, "bc", DType.F32, Shape.of(batch, bwCells), null, null, true));
        int y = b.node(new Op.BidirectionalSequenceLstm(Op.Act.TANH, 3f, 0f, true, true, false), "y", DType.F32, null, ins);
        return b.output(y).build();
    }

    private static byte[] floats(int n) {
        ByteBuffer out = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) out.putFloat((float) Math.sin(i * 0.37) * 0.3f);
        return out.array();
    }

    @Test
    void theOutputIsTheHiddenStateAtEveryStep() {
        Graph plain = unidirectional(2, 7, 3, 5, 0, false);
        assertEquals(Shape.of(2, 7, 5), plain.tensor(plain.outputs()[0]).shape());
        Graph g = unidirectional(2, 7, 3, 6, 4, false);
        assertEquals(Shape.of(2, 7, 4), g.tensor(g.outputs()[0]).shape(), "a projection gives its own width");
        Graph bi = bidirectional(3, 5, 4, 6, 2);
        assertEquals(Shape.of(5, 3, 8), bi.tensor(bi.outputs()[0]).shape(), "merged outputs: both directions side by side");
    }

    @Test
    void mismatchedWeightsAreNamedWithTheNode() {
        GraphBuilder b = new GraphBuilder("bad");
        int x = b.input("x", DType.F32, 1, 4, 3);
        int[] ins = new int[24];
        Arrays.fill(ins, -1);
        ins[0] = x;
        for (int k = 0; k < 4; k++) {
            ins[1 + k] = b.constant("w" + k, DType.F32, Shape.of(5, 2), floats(10));
            ins[5 + k] = b.constant("r" + k, DType.F32, Shape.of(5, 5), floats(25));
        }
        GraphException e = assertThrows(GraphException.class, () -> b.node(new Op.UnidirectionalSequenceLstm(Op.Act.TANH, 0, 0, false, false, false), "y", ins));
        assertTrue(e.getMessage().startsWith("node 0 (UNIDIRECTIONAL_SEQUENCE_LSTM): input 0 has 3 features"), e.getMessage());
    }

    @Test
    void macsAreEveryGatesProductsAtEveryStep() {
        int batch = 2, time = 7, in = 3, cells = 5;
        Graph g = unidirectional(batch, time, in, cells, 0, false);
        long perStep = 4L * cells * in + 4L * cells * cells + 3L * cells;
        assertEquals(perStep * batch * time, Work.of(g, g.node(0)).macs());
        Graph p = unidirectional(batch, time, in, 6, 4, true);
        long projected = 4L * 6 * in + 4L * 6 * 4 + 3L * 6 + 3L * 6 + 4L * 6;
        assertEquals(projected * batch * time, Work.of(p, p.node(0)).macs(), "peepholes and the projection are counted");
        Graph bi = bidirectional(3, 5, 4, 6, 2);
        long fw = 4L * 6 * 4 + 4L * 6 * 6 + 18, bw = 4L * 2 * 4 + 4L * 2 * 2 + 6;
        assertEquals((fw + bw) * 3 * 5, Work.of(bi, bi.node(0)).macs());
    }

    @Test
    void optionsAndTensorsSurviveAFileRoundTrip() {
        for (Graph g : List.of(unidirectional(1, 3, 2, 4, 0, false), bidirectional(1, 3, 2, 4, 3))) {
            Graph back = TfliteReader.read(TfliteWriter.write(g), "lstm.tflite");
            assertEquals(g.node(0).op(), back.node(0).op());
            assertEquals(Arrays.toString(g.node(0).inputs()), Arrays.toString(back.node(0).inputs()));
            int state = g.node(0).op() instanceof Op.UnidirectionalSequenceLstm ? Lstm.CELL_STATE : Lstm.BIDI_BW_CELL;
            assertTrue(back.tensor(back.node(0).input(state)).variable(), "the state stays a variable");
        }
        Graph clipped = TfliteReader.read(TfliteWriter.write(bidirectional(1, 3, 2, 4, 3)), "b.tflite");
        assertEquals(new Op.BidirectionalSequenceLstm(Op.Act.TANH, 3f, 0f, true, true, false), clipped.node(0).op());
    }

    @Test
    void tflmsKernelAsksForFourGateBuffers() {
        Graph g = unidirectional(2, 7, 3, 5, 0, false);
        List<ScratchRequirement> r = ScratchRequirement.of(g, g.node(0));
        assertEquals(4, r.size());
        for (ScratchRequirement s : r) assertEquals(2L * 5 * 4, s.bytes(), "batch x cells floats");
    }

    @Test
    void aPlainLstmRunsEverywhereAndTheVariantsAreNamed() {
        Device d = DeviceCatalog.builtin().find("nrf5340-dk");
        Graph plain = unidirectional(1, 4, 3, 5, 0, false);
        assertTrue(Support.cannotRun(plain).isEmpty());
        Graph projected = unidirectional(1, 4, 3, 6, 4, false);
        assertEquals(List.of("node 0 (UNIDIRECTIONAL_SEQUENCE_LSTM)"), Support.cannotRun(projected));
        List<Finding> f = Support.findings(projected, d, Latency.of(d, null));
        assertTrue(f.stream().anyMatch(x -> x.message().contains("runs only the plain LSTM, this one has a projection")), f.toString());
        Graph bi = bidirectional(1, 3, 2, 4, 3);
        assertEquals(List.of("node 0 (BIDIRECTIONAL_SEQUENCE_LSTM)"), Support.cannotRun(bi));
        Schedule s = Schedule.stored(bi);
        GraphException e = assertThrows(GraphException.class, () -> new Interpreter(bi, s, new TflmGreedyPlanner().plan(bi, s)).run(new byte[][] {new byte[24 * 4]}));
        assertTrue(e.getMessage().startsWith("node 0 (BIDIRECTIONAL_SEQUENCE_LSTM): not supported by tinyfit's runtime"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
