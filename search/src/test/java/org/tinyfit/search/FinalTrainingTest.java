package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After the search, the best network is trained again, in the time the search left for it. */
class FinalTrainingTest {
    @TempDir Path dir;

    /** A trained candidate whose recipe asks for {@code epochs} epochs, which took {@code seconds}. */
    static Record trained(int epochs, double seconds) {
        Genome g = new Genome(List.of(), List.of(16), 0f, new Genome.Recipe(0.003f, epochs, 128, 0));
        return new Record(new Candidate(0, -1, g, 1), Record.Status.TRAINED, null, null, new Evaluation(0, 0.9, new byte[0], seconds));
    }

    @Test void theFinalTrainingGetsTheEpochsTheBudgetLeavesRoomFor() {
        Record best = trained(4, 40); // 10 s an epoch on 1 of 2 threads: 7.5 s an epoch expected on both
        assertEquals(7.5 * 15, SearchRun.finalSeconds(best, 15, 2, 2), 1e-9);
        assertEquals(10.0 * 15, SearchRun.finalSeconds(best, 15, 1, 2), 1e-9, "one candidate at a time already had every thread");
        assertEquals(15, SearchRun.finalEpochs(best, 15, 0, 5000, 2, 2), "no time budget: all the epochs asked for");
        assertEquals(15, SearchRun.finalEpochs(best, 15, 1000, 800, 2, 2), "200 s left hold 15 epochs of 7.5 s");
        assertEquals(13, SearchRun.finalEpochs(best, 15, 1000, 900, 2, 2), "100 s left hold 13");
        assertEquals(0, SearchRun.finalEpochs(best, 15, 1000, 970, 2, 2), "30 s hold 4, no more than the candidate had: none");
        assertEquals(0, SearchRun.finalEpochs(best, 0, 0, 0, 2, 2), "none asked for");
        assertEquals(0, SearchRun.finalEpochs(best, 3, 0, 0, 2, 2), "fewer than the candidate had: its own model stays");
        assertEquals(1.5 * 7.5 * 15, SearchRun.finalReserve(best, 15, 2, 2), 1e-9, "the search leaves half as much again free");
        // a search that stopped when the reserve was reached still holds all the epochs asked for
        assertEquals(15, SearchRun.finalEpochs(best, 15, 1000, 1000 - SearchRun.finalReserve(best, 15, 2, 2), 2, 2));
    }

    @Test void theModelTrainedAgainIsKeptOnlyIfMoreAccurateOnValidation() {
        assertTrue(SearchRun.FinalTraining.of(13, 0.9327, 0.9338).retrainedKept());
        assertFalse(SearchRun.FinalTraining.of(13, 0.9327, 0.9238).retrainedKept(), "worse after training again: the search's model stays");
        assertFalse(SearchRun.FinalTraining.of(13, 0.9327, 0.9327).retrainedKept(), "a tie keeps the search's model");
    }

    @Test void theSearchStopsWhenAListenerSaysEnough() throws Exception {
        SearchData data = Synthetic.data(Synthetic.rows(300, 2));
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), 2);
        Search s = new Search(space, SearchTest.NANO, SearchTest.TINY, new Search.Config(3, 4, 2, 2, 20, 0));
        List<Record> all;
        try (Journal j = Journal.open(dir.resolve("j.db"), s.fingerprint(data.description())); LocalEvaluator e = new LocalEvaluator(space, data, 2)) {
            all = s.run(j, e, new Search.Listener() {
                @Override public boolean enough(List<Record> soFar, double elapsedSeconds) { return soFar.size() >= 4; }
            });
        }
        assertEquals(4, all.size(), "two generations of two, then no more");
    }

    @Test void theBestIsTrainedAgainAndWrittenAsBestTflite() throws Exception {
        String credit = Path.of(System.getProperty("tinyfit.shared", "../shared"), "data", "credit-default.csv").toAbsolutePath() + "#test=5:4";
        SearchRun.Options o = new SearchRun.Options(credit, SearchTest.NANO, SearchTest.TINY, dir, 3, 2, 0, 2, 1, 1500, 0.2, 3);
        int[] epochs = new int[1];
        SearchRun.Result r = SearchRun.run(o, new Search.Listener() {
            @Override public void finalEpoch(org.tinyfit.train.EpochResult e, int of) { epochs[0]++; assertEquals(3, of); }
        });
        assertEquals(3, r.finalEpochs());
        assertEquals(3, epochs[0], "each final epoch was reported");
        double fromFile = Int8Model.accuracy(org.tinyfit.tflite.TfliteReader.read(dir.resolve("best.tflite")),
                SearchRun.data(credit, 1500, 0.2, 3).validation(), SearchRun.data(credit, 1500, 0.2, 3), 1);
        SearchRun.FinalTraining f = r.finalTraining();
        assertEquals(3, f.epochs());
        assertEquals(Math.max(f.searchValidationAccuracy(), f.retrainedValidationAccuracy()), r.best().validationAccuracy(), 1e-12,
                "best is whichever model is more accurate on the validation part: " + f);
        assertEquals(f.retrainedValidationAccuracy() > f.searchValidationAccuracy(), f.retrainedKept(), f.toString());
        assertEquals(r.best().validationAccuracy(), fromFile, 1e-12, "best.tflite is the model reported as kept");
        assertTrue(r.best().sramBytes() <= 16 * 1024 && r.best().flashBytes() <= 64 * 1024, r.best().toString());
    }
}
