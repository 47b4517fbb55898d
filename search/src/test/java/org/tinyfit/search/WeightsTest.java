package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Graph;
import org.tinyfit.train.Net;
import org.tinyfit.train.Param;

class WeightsTest {
    static final SearchData DATA = Synthetic.data(Synthetic.images(120, 1));
    static final SearchSpace SPACE = new SearchSpace(DATA.sampleShape(), DATA.classes(), 3);

    static Genome twoStages(int secondWidth, float lr) {
        return new Genome(List.of(new Genome.Stage(Genome.Block.CONV, 8, 3, 1, false, false),
                new Genome.Stage(Genome.Block.CONV, secondWidth, 3, 1, false, false)), List.of(16), 0f, new Genome.Recipe(lr, 1, 32, 0));
    }

    @Test void aChildStartsFromItsParentsTrainedWeightsWhereNameAndShapeMatch() {
        Evaluation parent = LocalEvaluator.evaluate(SPACE, DATA, Evaluator.Job.whole(new Candidate(0, -1, twoStages(8, 0.003f), 3)), 1);
        assertNotNull(parent.weights(), "a candidate trained to the end keeps its weights");

        Graph same = SPACE.graph(twoStages(8, 0.01f), 4);
        try (Net net = Net.compile(same, 1)) {
            assertEquals(net.params().size(), Weights.inherit(parent.weights(), same, net.params()), "only the recipe changed: every parameter");
        }
        Graph wider = SPACE.graph(twoStages(16, 0.003f), 4);
        try (Net net = Net.compile(wider, 1); Net fresh = Net.compile(wider, 1)) {
            int copied = Weights.inherit(parent.weights(), wider, net.params());
            assertTrue(copied > 0 && copied < net.params().size(), "the first stage is inherited, the widened one and the next dense not: " + copied);
            List<String> changed = new ArrayList<>();
            for (int i = 0; i < net.params().size(); i++) {
                Param p = net.params().get(i), q = fresh.params().get(i);
                if (!java.util.Arrays.equals(p.value, q.value)) changed.add(p.name);
            }
            assertEquals(copied, changed.size(), "the inherited parameters differ from the child's own initial ones: " + changed);
        }
    }

    @Test void inheritingChangesTheChildsTrainingAndRepeatsExactly() {
        Evaluation parent = LocalEvaluator.evaluate(SPACE, DATA, Evaluator.Job.whole(new Candidate(0, -1, twoStages(8, 0.003f), 3)), 1);
        Candidate child = new Candidate(1, 0, twoStages(16, 0.003f), 5);
        Evaluation fresh = LocalEvaluator.evaluate(SPACE, DATA, Evaluator.Job.whole(child), 1);
        Evaluation a = LocalEvaluator.evaluate(SPACE, DATA, new Evaluator.Job(child, 1, null, parent.weights()), 1);
        Evaluation b = LocalEvaluator.evaluate(SPACE, DATA, new Evaluator.Job(child, 1, null, parent.weights()), 1);
        assertArrayEquals(a.model(), b.model());
        assertTrue(!java.util.Arrays.equals(a.model(), fresh.model()), "the inherited start gives other weights than the child's own");
    }
}
