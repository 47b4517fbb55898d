package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;

class SearchTest {
    static final Device NANO = DeviceCatalog.builtin().find("arduino-nano-33-ble-sense");
    @TempDir Path dir;

    static List<Record> run(SearchData data, Path journalFile, int maxTrained, int parallel, Limits limits) throws Exception {
        return run(data, journalFile, maxTrained, parallel, limits, 2);
    }

    static List<Record> run(SearchData data, Path journalFile, int maxTrained, int parallel, Limits limits, int threads) throws Exception {
        return run(data, journalFile, maxTrained, parallel, limits, threads, 3);
    }

    static List<Record> run(SearchData data, Path journalFile, int maxTrained, int parallel, Limits limits, int threads, int maxEpochs) throws Exception {
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), maxEpochs);
        Search s = new Search(space, NANO, limits, new Search.Config(11, 4, 2, parallel, maxTrained, 0));
        try (Journal j = Journal.open(journalFile, s.fingerprint(data.description())); LocalEvaluator e = new LocalEvaluator(space, data, threads)) {
            return s.run(j, e, new Search.Listener() {});
        }
    }

    /** The parts of a record that must repeat exactly (not the seconds it took). */
    static List<String> essence(List<Record> rs) {
        List<String> out = new ArrayList<>();
        for (Record r : rs) {
            out.add(r.candidate() + " " + r.status() + " " + r.reason() + " " + r.footprint() + " "
                    + (r.trained() ? r.evaluation().valAccuracy() + " " + java.util.Arrays.hashCode(r.evaluation().model()) : ""));
        }
        return out;
    }

    /** The first rungs in a journal, as they must repeat (not the seconds they took, which the checkpoints also hold). */
    static List<String> rungEssence(Journal j) {
        List<String> out = new ArrayList<>();
        for (Evaluation e : j.rungs(0).values()) {
            out.add(e.id() + " " + e.valAccuracy() + " " + java.util.Arrays.hashCode(e.model()) + " " + e.checkpoint().length);
        }
        return out;
    }

    static final Limits TINY = new Limits(16 * 1024, 64 * 1024, 0, "tflm");

    @Test void aResumedSearchEndsWithTheJournalOfAnUninterruptedOne() throws Exception {
        SearchData data = Synthetic.data(Synthetic.images(240, 1));
        List<Record> straight = run(data, dir.resolve("a.db"), 6, 2, TINY);
        run(data, dir.resolve("b.db"), 3, 2, TINY);
        List<Record> resumed = run(data, dir.resolve("b.db"), 6, 2, TINY);
        assertEquals(essence(straight), essence(resumed));
        try (Journal j = Journal.open(dir.resolve("b.db"), new Search(new SearchSpace(data.sampleShape(), data.classes(), 3), NANO, TINY,
                new Search.Config(11, 4, 2, 2, 6, 0)).fingerprint(data.description()))) {
            assertEquals(essence(straight), essence(j.all()), "the journal holds each candidate once");
        }
    }

    @Test void successiveHalvingStopsTheWeakerFirstRungsAndTrainsTheRestFromTheirCheckpoint() throws Exception {
        SearchData data = Synthetic.data(Synthetic.images(240, 1));
        Path file = dir.resolve("h.db");
        List<Record> rs = run(data, file, 12, 2, TINY, 2, 5);
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), 5);
        try (Journal j = Journal.open(file, new Search(space, NANO, TINY, new Search.Config(11, 4, 2, 2, 12, 0)).fingerprint(data.description()))) {
            var rungs = j.rungs(0);
            int stopped = 0, promoted = 0;
            for (Record r : rs) {
                int epochs = r.candidate().genome().recipe().epochs();
                Evaluation first = rungs.get(r.candidate().id());
                if (r.status() == Record.Status.REJECTED) continue;
                assertEquals(epochs > 1, first != null, "a first rung exactly for recipes of more than one epoch: " + r.candidate());
                if (first == null) continue;
                assertTrue(first.checkpoint() != null && first.checkpoint().length > 0, "the first rung's checkpoint is journaled");
                if (r.status() == Record.Status.STOPPED) {
                    stopped++;
                    assertEquals(first.valAccuracy(), r.evaluation().valAccuracy(), "a stopped candidate keeps its first rung's accuracy");
                    assertTrue(r.candidate().id() >= 4, "the first population is trained to the end");
                    assertTrue(rungs.values().stream().anyMatch(e -> e.id() < r.candidate().id() && e.valAccuracy() >= r.evaluation().valAccuracy()),
                            "a stopped first rung is not better than every earlier one");
                } else {
                    promoted++;
                    assertTrue(r.evaluation().seconds() >= first.seconds(), "the seconds count both rungs");
                }
            }
            assertTrue(stopped > 0 && promoted > 0, "stopped " + stopped + ", went on " + promoted);
        }
        assertEquals(0, Pareto.front(rs).stream().filter(r -> !r.trained()).count(), "only fully trained candidates are on the front");
    }

    @Test void aJobThatGoesOnFromAFirstRungEndsWithTheWeightsOfOneWholeTraining() {
        SearchData data = Synthetic.data(Synthetic.images(240, 1));
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), 3);
        Genome g = space.random(new java.util.SplittableRandom(5));
        g = new Genome(g.stages(), g.dense(), g.dropout(), new Genome.Recipe(g.recipe().lr(), 3, g.recipe().batch(), 0));
        Candidate c = new Candidate(0, -1, g, 9);
        Evaluation whole = LocalEvaluator.evaluate(space, data, Evaluator.Job.whole(c), 1);
        Evaluation first = LocalEvaluator.evaluate(space, data, new Evaluator.Job(c, 1, null), 1);
        Evaluation rest = LocalEvaluator.evaluate(space, data, new Evaluator.Job(c, 3, first.checkpoint()), 1);
        assertTrue(first.checkpoint() != null && whole.checkpoint() == null && rest.checkpoint() == null);
        assertEquals(java.util.Arrays.hashCode(whole.model()), java.util.Arrays.hashCode(rest.model()), "two rungs train the same weights as one run");
        assertEquals(whole.valAccuracy(), rest.valAccuracy());
    }

    @Test void resultsDoNotDependOnHowManyThreadsEvaluate() throws Exception {
        SearchData data = Synthetic.data(Synthetic.rows(300, 2));
        assertEquals(essence(run(data, dir.resolve("p1.db"), 5, 2, TINY, 1)), essence(run(data, dir.resolve("p3.db"), 5, 2, TINY, 3)));
    }

    @Test void candidatesLearnAndMeetTheLimits() throws Exception {
        SearchData data = Synthetic.data(Synthetic.rows(900, 3));
        List<Record> rs = run(data, dir.resolve("r.db"), 6, 2, TINY);
        Record best = Pareto.best(rs);
        assertTrue(best.accuracy() > 0.7, "three separated clusters are learnt: " + best.accuracy());
        for (Record r : rs) if (r.trained()) assertTrue(TINY.violation(r.footprint()) == null, r.candidate().genome().key());
        assertTrue(Pareto.front(rs).contains(best));
    }

    @Test void limitsNoCandidateCanMeetAreRefusedBeforeTraining() {
        SearchData data = Synthetic.data(Synthetic.images(60, 1));
        SearchException e = assertThrows(SearchException.class, () -> run(data, dir.resolve("x.db"), 2, 1, new Limits(256, 64 * 1024, 0, "tflm")));
        assertTrue(e.getMessage().startsWith("no candidate can meet the limits (SRAM <= 256 B"), e.getMessage());
        assertTrue(e.getMessage().contains("the smallest network"), e.getMessage());
    }

    @Test void aJournalOfAnotherSearchIsRefused() throws Exception {
        SearchData data = Synthetic.data(Synthetic.rows(120, 2));
        run(data, dir.resolve("j.db"), 1, 1, TINY);
        SearchException e = assertThrows(SearchException.class,
                () -> run(data, dir.resolve("j.db"), 1, 1, new Limits(8 * 1024, 64 * 1024, 0, "tflm")));
        assertTrue(e.getMessage().contains("belongs to another search"), e.getMessage());
    }
}
