package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Lstm;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteWriter;

/** {@code tinyfit analyze} on recurrent models: MACs counted, and a verdict that says whether they run. */
class AnalyzeLstmTest {

    /** An int8 LSTM (int16 cell state) over [1, T, I] with S cells; {@code bidirectional}: a float bidirectional one. */
    static Graph lstm(int time, int in, int cells, boolean bidirectional) {
        GraphBuilder b = new GraphBuilder("rnn");
        DType act = bidirectional ? DType.F32 : DType.I8, w = bidirectional ? DType.F32 : DType.I8, bias = bidirectional ? DType.F32 : DType.I32;
        Quantization qa = bidirectional ? null : Quantization.perTensor(1f / 128, 0), qw = bidirectional ? null : Quantization.perTensor(0.01f, 0);
        Quantization qb = bidirectional ? null : Quantization.perTensor(0.01f / 128, 0);
        int x = b.input("x", act, qa, 1, time, in);
        int[] ins = new int[bidirectional ? Lstm.BIDIRECTIONAL_INPUTS : Lstm.UNIDIRECTIONAL_INPUTS];
        Arrays.fill(ins, -1);
        ins[0] = x;
        for (int base : bidirectional ? new int[] {0, Lstm.BIDI_BACKWARD - 1} : new int[] {0}) {
            for (int k = 0; k < 4; k++) {
                ins[base + Lstm.INPUT_TO_INPUT + k] = b.constant("w" + base + k, w, Shape.of(cells, in), qw, new byte[cells * in * w.bytes()]);
                ins[base + Lstm.RECURRENT_TO_INPUT + k] = b.constant("r" + base + k, w, Shape.of(cells, cells), qw, new byte[cells * cells * w.bytes()]);
                ins[base + Lstm.INPUT_GATE_BIAS + k] = b.constant("b" + base + k, bias, Shape.of(cells), qb, new byte[cells * 4]);
            }
        }
        DType cell = bidirectional ? DType.F32 : DType.I16;
        Quantization qc = bidirectional ? null : Quantization.perTensor(1f / 4096, 0);
        int[] states = bidirectional ? new int[] {Lstm.BIDI_FW_HIDDEN, Lstm.BIDI_FW_CELL, Lstm.BIDI_BW_HIDDEN, Lstm.BIDI_BW_CELL}
                : new int[] {Lstm.HIDDEN_STATE, Lstm.CELL_STATE};
        for (int i = 0; i < states.length; i++) {
            boolean hidden = i % 2 == 0;
            ins[states[i]] = b.tensor(new Tensor(0, "state" + i, hidden ? act : cell, Shape.of(1, cells), hidden ? qa : qc, null, true));
        }
        Op op = bidirectional ? new Op.BidirectionalSequenceLstm(Op.Act.TANH, 0f, 0f, true, false, false)
                : new Op.UnidirectionalSequenceLstm(Op.Act.TANH, 10f, 0f, false, false, false);
        return b.output(b.node(op, "y", act, qa, ins)).build();
    }

    @Test
    void anInt8LstmHasItsMacsCountedAndFits(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("lstm.tflite");
        Files.write(f, TfliteWriter.write(lstm(28, 28, 20, false)));
        JsonNode cost = AnalyzeCommandTest.analyzeJson("analyze", f.toString(), "-d", "nucleo-h743zi", "--json").get("cost");
        assertEquals(28L * (4 * 20 * (28 + 20) + 3 * 20), cost.get("macs").asLong());
        CliTest.Run r = CliTest.run("analyze", f.toString(), "-d", "nucleo-h743zi");
        assertTrue(r.out().contains("verdict:  FITS"), r.out());
        assertTrue(r.out().contains("UNIDIRECTIONAL_SEQUENCE_LSTM int8") && r.out().contains("109,200"), r.out());
    }

    @Test
    void aBidirectionalLstmIsCostedButCannotRunOnTflm(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bilstm.tflite");
        Files.write(f, TfliteWriter.write(lstm(10, 8, 6, true)));
        JsonNode cost = AnalyzeCommandTest.analyzeJson("analyze", f.toString(), "-d", "nucleo-h743zi", "--json").get("cost");
        assertEquals(2L * 10 * (4 * 6 * (8 + 6) + 3 * 6), cost.get("macs").asLong());
        CliTest.Run r = CliTest.run("analyze", f.toString(), "-d", "nucleo-h743zi");
        assertTrue(r.out().contains("verdict:  CANNOT RUN on TFLite Micro: node 0 (BIDIRECTIONAL_SEQUENCE_LSTM)"), r.out());
        CliTest.Run run = CliTest.run("run", f.toString(), "-i", Files.write(dir.resolve("x.bin"), new byte[10 * 8 * 4]).toString());
        assertEquals(1, run.code(), run.out());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("node 0 (BIDIRECTIONAL_SEQUENCE_LSTM): not supported by tinyfit's runtime"), run.err());
    }
}
