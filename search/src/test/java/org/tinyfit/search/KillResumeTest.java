package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search killed with SIGKILL at random moments and started again, as often as it takes to
 * finish, ends with exactly the journal of a search that was never interrupted: the same candidates,
 * the same first rungs of successive halving, the same candidates stopped after them, the same
 * children started from their parents' weights.
 */
class KillResumeTest {
    @TempDir Path dir;

    @Test void killedAtRandomMomentsAndRestartedEndsWithTheUninterruptedJournal() throws Exception {
        int maxTrained = 12;
        List<Record> straight = SearchTest.run(Synthetic.data(Synthetic.images(240, 1)), dir.resolve("straight.db"), maxTrained, 2, SearchTest.TINY);
        Path journal = dir.resolve("killed.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rng = new SplittableRandom(42);
        int kills = 0, runs = 0;
        while (true) {
            runs++;
            assertTrue(runs <= 40, "the search did not finish after " + (runs - 1) + " starts");
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED",
                    SearchProcess.class.getName(), journal.toString(), Integer.toString(maxTrained))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long waitMillis = kills < 5 ? 300 + rng.nextInt(2500) : 120_000;
            if (p.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                assertEquals(0, p.exitValue(), "the search process failed");
                break;
            }
            p.destroyForcibly().waitFor();
            kills++;
        }
        assertTrue(kills >= 1, "the search was killed at least once");
        List<Record> resumed;
        List<String> resumedRungs;
        String fingerprint = new Search(new SearchSpace(new int[] {8, 8, 1}, 3, 3), SearchTest.NANO, SearchTest.TINY,
                new Search.Config(11, 4, 2, 2, maxTrained, 0)).fingerprint("synthetic");
        try (Journal j = Journal.open(journal, fingerprint)) {
            resumed = new ArrayList<>(j.all());
            resumedRungs = SearchTest.rungEssence(j);
        }
        assertEquals(SearchTest.essence(straight), SearchTest.essence(resumed), "after " + kills + " kills");
        try (Journal j = Journal.open(dir.resolve("straight.db"), fingerprint)) {
            assertEquals(SearchTest.rungEssence(j), resumedRungs, "the first rungs, after " + kills + " kills");
        }
        assertTrue(resumedRungs.size() >= 2, "candidates went through first rungs: " + resumedRungs);
        assertTrue(resumed.stream().anyMatch(r -> r.trained() && r.candidate().genome().recipe().epochs() > 1 && r.candidate().parent() >= 0),
                "some mutated candidate went on from its first rung to the end");
    }
}
