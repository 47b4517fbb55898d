package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A time budget that cannot hold one evaluation is refused before the search starts, and says what would. */
class BudgetCheckTest {
    @TempDir Path dir;

    static String credit() {
        return Path.of(System.getProperty("tinyfit.shared", "../shared"), "data", "credit-default.csv").toAbsolutePath() + "#test=5:4";
    }

    @Test void aBudgetShorterThanOneEpochOfTheSmallestNetworkIsRefusedBeforeAnyJournal() {
        // a millisecond: shorter than any epoch over 24,000 rows, however fast the machine
        SearchRun.Options o = new SearchRun.Options(credit(), SearchTest.NANO, SearchTest.TINY, dir, 1, 2, 0.001, 0, 2, null, 0.1);
        SearchException e = assertThrows(SearchException.class, () -> SearchRun.run(o, new Search.Listener() {}));
        assertTrue(e.getMessage().startsWith("a budget of 1s is too small for one evaluation: training even the smallest network"), e.getMessage());
        assertTrue(e.getMessage().contains("for one epoch on the 21,600 training samples takes about"), e.getMessage());
        assertTrue(e.getMessage().matches(".* takes about \\d+s here; give a larger --budget, e\\.g\\. \\d+m"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(dir.resolve("journal.db")), "refused before the journal was made");
    }

    @Test void theEpochEstimateGrowsWithTheTrainingPart() {
        SearchData all = SearchRun.data(credit(), null, 0.1, 1);
        SearchData part = SearchRun.data(credit(), 2000, 0.1, 1);
        SearchSpace space = new SearchSpace(all.sampleShape(), all.classes(), 2);
        double whole = LocalEvaluator.epochSeconds(space, all, space.smallest(), 1, 1);
        double some = LocalEvaluator.epochSeconds(space, part, space.smallest(), 1, 1);
        assertTrue(whole > 0 && some > 0, whole + " " + some);
        // a step's time multiplied by 169 steps (21,600 rows) and by 15 (1,800 rows): about 11 times as long, give or take the machine's noise
        assertTrue(whole > 3 * some, "21,600 rows estimated at " + whole + " s, 1,800 at " + some + " s");
    }

    @Test void theSuggestionHoldsTenEpochsInWholeMinutes() {
        assertEquals(60, SearchRun.suggested(0.5));
        assertEquals(60, SearchRun.suggested(6));
        assertEquals(120, SearchRun.suggested(7));
        assertEquals(600, SearchRun.suggested(55));
    }
}
