package org.tinyfit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Provenance;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

class OptimizedModelTest {
    @TempDir Path tmp;

    static final Provenance PROVENANCE = Provenance.of("tinyfit optimize m.tflite -o o.tflite");

    @Test
    void aModelWhoseOrderIsBestIsWrittenBackByteForByte() throws IOException {
        Path p = ModelReaderTest.model("person_detect");
        OptimizedModel o = OptimizedModel.of(p, PROVENANCE);
        assertFalse(o.memory().orderChanged());
        assertArrayEquals(Files.readAllBytes(p), o.bytes());
        assertTrue(o.proof().verified(), o.proof().check());
    }

    @Test
    void aStreamedModelReportsTheRowPipelineArenaProvedByRunningAndOthersKeepTheInPlaceProof() throws IOException {
        Path ds = tmp.resolve("ds_cnn.tflite");
        Files.write(ds, TfliteWriter.write(org.tinyfit.quant.TinyMlModels.int8("ds_cnn_kws")));
        OptimizedModel o = OptimizedModel.of(ds, PROVENANCE);
        assertTrue(o.memory().streams());
        org.tinyfit.runtime.ArenaProof streamed = o.streamedProof();
        assertTrue(streamed.verified(), streamed.check());
        assertEquals(o.memory().streamedPeakBytes(), streamed.arenaBytes(), "the pipelines' plan reaches their live-bytes peak");
        assertTrue(streamed.arenaBytes() < o.proof().arenaBytes(), streamed.arenaBytes() + " against " + o.proof().arenaBytes());

        OptimizedModel pd = OptimizedModel.of(ModelReaderTest.model("person_detect"), PROVENANCE);
        assertFalse(pd.memory().streams());
        assertEquals(pd.proof(), pd.streamedProof(), "no pipeline lowers person_detect's peak: the in-place proof stands");
    }

    @Test
    /** Two towers stored with both 2 KiB tensors alive at once: reordering frees one before the other is made. */
    void aBranchyTfliteModelIsReorderedInPlaceWithoutNewMetadata() throws IOException {
        GraphBuilder b = new GraphBuilder("two-towers");
        int x = b.input("x", DType.F32, 1, 16);
        int a1 = fc(b, x, 512, "a1"), b1 = fc(b, x, 512, "b1");
        int a = fc(b, a1, 16, "a2"), c = fc(b, b1, 16, "b2");
        Path in = tmp.resolve("towers.tflite");
        Files.write(in, TfliteWriter.write(b.output(b.node(new Op.Concat(1, Op.Act.NONE), "c", a, c)).build()));
        OptimizedModel o = OptimizedModel.of(in, PROVENANCE);
        assertTrue(o.memory().orderChanged());
        Graph written = TfliteReader.read(o.bytes(), "towers.tflite");
        assertEquals(64 + 2048 + 64, new TflmGreedyPlanner().plan(written, Schedule.stored(written)).arenaBytes());
        assertEquals(TfliteReader.read(in).metadata(), written.metadata(), "only the operator order changes");
        assertEquals(Files.size(in), o.bytes().length);
    }

    static int fc(GraphBuilder b, int from, int out, String name) {
        int in = b.tensorAt(from).shape().dim(1);
        return b.node(new Op.FullyConnected(Op.Act.NONE, false), name, from, b.constant(name + "/w", DType.F32, Shape.of(out, in), new byte[out * in * 4]), -1);
    }
}
