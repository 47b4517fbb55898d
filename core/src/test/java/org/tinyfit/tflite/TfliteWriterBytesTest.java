package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Graph;

class TfliteWriterBytesTest {
    @Test
    void theSameGraphAlwaysGivesTheSameBytesAndReadingThemBackChangesNothing() {
        for (Path p : SharedModels.all()) {
            Graph g = TfliteReader.read(SharedModels.bytes(p), p.getFileName().toString());
            byte[] first = TfliteWriter.write(g);
            assertArrayEquals(first, TfliteWriter.write(g), p.getFileName() + ": two writes differ");
            Graph back = TfliteReader.read(first, p.getFileName().toString());
            assertArrayEquals(first, TfliteWriter.write(back), p.getFileName() + ": written, read and written again differs");
        }
    }

    @Test
    void theSignatureNamesEveryInputAndOutput() {
        Graph g = TfliteReader.read(SharedModels.bytes(SharedModels.model("simple_add_model.tflite")), "simple_add_model.tflite");
        byte[] bytes = TfliteWriter.write(g);
        FbTable model = new FbFile(bytes, "w").root(Schema.IDENTIFIER);
        FbTable.Tables sigs = model.tables(Schema.MODEL_SIGNATURE_DEFS, "signature_defs");
        assertEquals(1, sigs.size());
        FbTable sig = sigs.get(0, "signature 0");
        assertEquals("serving_default", sig.string(Schema.SIGNATURE_KEY, "key"));
        assertEquals(0, sig.i32(Schema.SIGNATURE_SUBGRAPH_INDEX, 0, "subgraph_index"));
        check(g, g.inputs(), sig.tables(Schema.SIGNATURE_INPUTS, "inputs"));
        check(g, g.outputs(), sig.tables(Schema.SIGNATURE_OUTPUTS, "outputs"));
    }

    private static void check(Graph g, int[] ids, FbTable.Tables maps) {
        assertEquals(ids.length, maps.size());
        for (int i = 0; i < ids.length; i++) {
            FbTable m = maps.get(i, "map " + i);
            assertEquals(ids[i], m.i32(Schema.TENSORMAP_TENSOR_INDEX, 0, "tensor_index"));
            assertEquals(g.tensor(ids[i]).name(), m.string(Schema.TENSORMAP_NAME, "name"));
        }
    }
}
