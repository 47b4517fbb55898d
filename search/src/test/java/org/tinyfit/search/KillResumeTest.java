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
 * finish, ends with exactly the journal of a search that was never interrupted.
 */
class KillResumeTest {
    @TempDir Path dir;

    @Test void killedAtRandomMomentsAndRestartedEndsWithTheUninterruptedJournal() throws Exception {
        int maxTrained = 8;
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
        try (Journal j = Journal.open(journal, new Search(new SearchSpace(new int[] {8, 8, 1}, 3, 3), SearchTest.NANO, SearchTest.TINY,
                new Search.Config(11, 4, 2, 2, maxTrained, 0)).fingerprint("synthetic"))) {
            resumed = new ArrayList<>(j.all());
        }
        assertEquals(SearchTest.essence(straight), SearchTest.essence(resumed), "after " + kills + " kills");
    }
}
