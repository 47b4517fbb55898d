package org.tinyfit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.search.EvaluatorFactory;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchRun;

/** A search whose candidates are Spark tasks on {@code local[2]} writes the journal of the in-process search. */
class LocalSparkTest {
    @TempDir Path dir;

    @Test void local2WritesTheJournalOfTheInProcessEvaluator() throws Exception {
        int candidates = 4;
        SearchRun.Result inProcess = SearchRun.run(SearchRuns.options(dir.resolve("threads"), candidates, 2, 600), new Search.Listener() {});
        List<String> expected = SearchRuns.journal(inProcess.journal());
        assertTrue(expected.size() >= candidates, "the search trained its candidates: " + expected.size());

        boolean[] broadcast = new boolean[1];
        EvaluatorFactory spark = new SparkEvaluatorFactory("local[2]", Map.of(ShippedData.SETTING, "broadcast"));
        EvaluatorFactory watched = (o, space, data) -> {
            SparkEvaluator e = (SparkEvaluator) spark.open(o, space, data);
            broadcast[0] = e.broadcastsData();
            return e;
        };
        SearchRun.Result onSpark = SearchRun.run(SearchRuns.options(dir.resolve("spark"), candidates, 2, 600), new Search.Listener() {}, watched);
        assertTrue(broadcast[0], "the data went to the executors as a broadcast");
        assertEquals(expected, SearchRuns.journal(onSpark.journal()));
        assertEquals(inProcess.best().validationAccuracy(), onSpark.best().validationAccuracy());

        SearchRun.Result byPath = SearchRun.run(SearchRuns.options(dir.resolve("path"), candidates, 2, 600), new Search.Listener() {},
                EvaluatorFactory.spark("local[2]"));
        assertEquals(expected, SearchRuns.journal(byPath.journal()), "the data read by path on the executors give the same journal");
        assertTrue(expected.stream().anyMatch(r -> r.contains(" TRAINED ") && !r.endsWith(" -")), "trained candidates' models are in the journal");
    }
}
