package org.tinyfit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

class ProvenanceTest {
    static Graph tiny() {
        GraphBuilder b = new GraphBuilder("tiny");
        int x = b.input("x", DType.F32, 1, 4);
        return b.output(b.node(new Op.Reshape(new int[] {4}), "r", x)).build();
    }

    @Test
    void itsEntriesComeInAFixedOrderAndLeaveOutWhatIsMissing() {
        Provenance p = Provenance.of("tinyfit train --data d").withSpec("{}");
        assertEquals(List.of("tinyfit.version", "tinyfit.command", "tinyfit.spec"), List.copyOf(p.metadata().keySet()));
        assertEquals(Provenance.VERSION, p.metadata().get("tinyfit.version"));
    }

    @Test
    void aWrittenModelCarriesItsProvenanceBack() {
        Provenance p = Provenance.of("tinyfit train --data d.csv").withData("d.csv (240 rows)").withSpec("{\"input\":[4]}").withTraining("epochs=1");
        Graph read = TfliteReader.read(TfliteWriter.write(p.attachTo(tiny())), "m.tflite");
        assertEquals(p, Provenance.of(read, "tflite.metadata."));
    }

    @Test
    void aGraphWithoutOneHasNone() {
        assertNull(Provenance.of(tiny(), ""));
    }

    @Test
    void aCommandIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> Provenance.of(" "));
    }
}
