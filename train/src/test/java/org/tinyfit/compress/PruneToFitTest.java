package org.tinyfit.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinyfit.compress.Resources.Resource;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.train.BuiltinSpecs;
import org.tinyfit.train.ModelSpec;
import org.tinyfit.train.SpecCompiler;

/** The built-in Fashion-MNIST CNN (16, 32, 64 channels) pruned into limits below its own figures. */
class PruneToFitTest {
    static final Device BOARD = DeviceCatalog.builtin().find("arduino-nano-33-ble-sense");

    static Graph fmnist() { return InferenceForm.of(SpecCompiler.compile(ModelSpec.parse(BuiltinSpecs.FASHION_MNIST), 1)); }

    @Test void aCandidateOverTheSramLimitIsPrunedIntoItAtTheMemoryBottleneck() {
        Graph g = fmnist();
        Resources before = Resources.of(g, BOARD);
        long limit = before.sramBytes() * 3 / 4;
        Graph fit = Compression.pruneToFit(g, BOARD, limit, null, null);
        assertNotNull(fit);
        ShapeInference.check(fit);
        assertEquals(g.nodes().size(), fit.nodes().size(), "no layer removed");
        Resources after = Resources.of(fit, BOARD);
        assertTrue(after.sramBytes() <= limit, after + " vs limit " + limit);
        int[] counts = channels(fit);
        assertTrue(counts[0] < 16, "the first convolution's 28x28 output sets the peak: " + java.util.Arrays.toString(counts));
        assertEquals(64, counts[2], "the last convolution's 7x7 output is off the peak and keeps its channels: " + java.util.Arrays.toString(counts));
    }

    @Test void awarePruningConcentratesWhereUniformSpreads() {
        Graph g = fmnist();
        ChannelGroups cg = ChannelGroups.of(g);
        double[][] sal = new double[cg.groups().size()][];
        for (ChannelGroups.Group gr : cg.groups()) sal[gr.id()] = new double[gr.size()];
        Resources before = Resources.of(g, BOARD);
        Map<Resource, Double> t = Selection.targets(null, before.flashBytes() / 4.0, null);
        var cost = (java.util.function.Function<boolean[][], Resources>) k -> Resources.of(cg.prune(k), BOARD);
        Selection.Outcome aware = Selection.aware(cg, cg.full(), sal, cost, t), uniform = Selection.uniform(cg, cg.full(), sal, cost, t);
        assertTrue(Selection.meets(aware.resources(), t) && Selection.meets(uniform.resources(), t));
        int[] a = ChannelGroups.counts(aware.keep()), u = ChannelGroups.counts(uniform.keep());
        int total = a[0] + a[1] + a[2], totalU = u[0] + u[1] + u[2];
        assertTrue(total > totalU, "aware keeps more channels in all (" + java.util.Arrays.toString(a) + ") than uniform (" + java.util.Arrays.toString(u) + ")");
        assertTrue(u[0] < 16 && u[1] < 32 && u[2] < 64, "uniform cuts every layer: " + java.util.Arrays.toString(u));
    }

    @Test void limitsNoChannelChoiceMeetsGiveNull() {
        assertNull(Compression.pruneToFit(fmnist(), BOARD, 1000L, null, null));
    }

    private static int[] channels(Graph g) {
        return g.nodes().stream().filter(n -> n.op() instanceof org.tinyfit.graph.Op.Conv2D).mapToInt(n -> g.tensor(n.output(0)).shape().dim(-1)).toArray();
    }
}
