package org.tinyfit.tflite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.GraphException;

class ReaderFuzzTest {
    static final long SEED = 20261125L;
    static final int CASES = 20_000;

    /** A varied corpus: every top-level model and one model of each seanet operator. */
    static List<byte[]> corpus() {
        List<byte[]> out = new ArrayList<>();
        java.util.Set<Path> dirsSeen = new java.util.HashSet<>();
        for (Path p : SharedModels.all()) {
            Path dir = p.getParent();
            if (dir.equals(SharedModels.dir()) || dirsSeen.add(dir)) out.add(SharedModels.bytes(p));
        }
        return out;
    }

    @Test
    void mutatedModelsLoadOrFailWithAGraphExceptionAndLoadedOnesSurviveRewriting() throws Exception {
        FuzzRun.Counts n = FuzzRun.run(new ModelMutator(corpus(), SEED), SEED, CASES, bytes -> {
            org.tinyfit.graph.Graph g;
            try {
                g = TfliteReader.read(bytes, "fuzz.tflite");
            } catch (GraphException e) {
                return false;
            }
            byte[] again;
            try {
                again = TfliteWriter.write(g);
            } catch (GraphException e) {
                return true; // e.g. an element type TFLite cannot store
            }
            GraphAssert.same(g, TfliteReader.read(again, "fuzz.tflite"), "rewritten");
            return true;
        });
        System.out.println("reader fuzz: " + CASES + " cases, " + n.loaded() + " loaded, " + n.rejected() + " rejected");
    }
}
