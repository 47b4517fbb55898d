package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictorTest {
    static Record record(int id, int width, int epochs, double accuracy) {
        Genome g = new Genome(List.of(new Genome.Stage(Genome.Block.CONV, width, 3, 1, false, false)), List.of(), 0f,
                new Genome.Recipe(0.003f, epochs, 128, 0));
        Footprint f = new Footprint(1000 + width, 1000 + width, 5000 + 10 * width, 100L * width, 10L * width, 1);
        return new Record(new Candidate(id, -1, g, id), Record.Status.TRAINED, null, f, new Evaluation(id, accuracy, new byte[0], 1));
    }

    @Test void learnsThatWiderAndLongerTrainedNetworksScoreHigher() {
        List<Record> rs = new ArrayList<>();
        int id = 0;
        for (int w : new int[] {4, 8, 16, 32, 64}) for (int e = 1; e <= 3; e++) rs.add(record(id++, w, e, 0.5 + 0.05 * Math.log(w) + 0.03 * e));
        Predictor p = Predictor.fit(rs);
        Record small = record(99, 8, 1, 0), large = record(98, 48, 3, 0);
        double ps = p.predict(small.candidate().genome(), small.footprint()), pl = p.predict(large.candidate().genome(), large.footprint());
        assertTrue(pl > ps, ps + " vs " + pl);
        assertEquals(0.5 + 0.05 * Math.log(48) + 0.09, pl, 0.03, "interpolates the trend it was fitted on");
    }

    @Test void needsAFewRecordsFirst() {
        assertNull(Predictor.fit(List.of(record(0, 8, 1, 0.5), record(1, 16, 1, 0.6))));
    }

    @Test void solvesALinearSystem() {
        double[] x = Predictor.solve(new double[][] {{4, 1}, {1, 3}}, new double[] {1, 2});
        assertEquals(1.0 / 11, x[0], 1e-12);
        assertEquals(7.0 / 11, x[1], 1e-12);
    }
}
