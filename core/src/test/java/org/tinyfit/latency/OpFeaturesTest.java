package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.cost.Work;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class OpFeaturesTest {
    static Graph conv(int size, int inC, int outC, int k, int stride) {
        GraphBuilder b = new GraphBuilder("c");
        int x = b.input("x", DType.I8, 1, size, size, inC);
        int w = b.constant("w", DType.I8, Shape.of(outC, k, k, inC), new byte[outC * k * k * inC]);
        int bias = b.constant("b", DType.I32, Shape.of(outC), new byte[outC * 4]);
        return b.output(b.node(new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, Op.Act.NONE), "y", x, w, bias)).build();
    }

    @Property(tries = 100)
    void everyMacOfAConvolutionLandsInExactlyOneColumn(@ForAll @IntRange(min = 1, max = 12) int size, @ForAll @IntRange(min = 1, max = 9) int inC,
                                                        @ForAll @IntRange(min = 1, max = 9) int outC, @ForAll @IntRange(min = 1, max = 3) int k,
                                                        @ForAll @IntRange(min = 1, max = 2) int stride) {
        Graph g = conv(size, inC, outC, k, stride);
        Node n = g.node(0);
        double[] f = OpFeatures.of(g, n);
        double macs = f[OpFeatures.CONV] + f[OpFeatures.SHALLOW] + f[OpFeatures.POINTWISE] + f[OpFeatures.DEPTHWISE] + f[OpFeatures.FC];
        assertEquals(Work.of(g, n).macs(), macs);
        int nonZero = 0;
        for (int j : new int[] {OpFeatures.CONV, OpFeatures.SHALLOW, OpFeatures.POINTWISE}) if (f[j] > 0) nonZero++;
        assertEquals(1, nonZero);
        assertEquals(g.tensor(n.output(0)).shape().elements(), f[OpFeatures.OUTPUTS]);
        assertEquals(1, f[OpFeatures.OPS]);
    }

    @Test
    void cmsisNnFastPathsAreTheirOwnColumns() {
        assertTrue(OpFeatures.of(conv(8, 16, 8, 1, 1))[OpFeatures.POINTWISE] > 0, "1x1 stride 1 over a multiple of 4 channels");
        assertTrue(OpFeatures.of(conv(8, 16, 8, 1, 2))[OpFeatures.CONV] > 0, "a strided 1x1 is not the fast path");
        assertTrue(OpFeatures.of(conv(8, 3, 8, 3, 1))[OpFeatures.SHALLOW] > 0, "three input channels");
        assertTrue(OpFeatures.of(conv(8, 6, 8, 1, 1))[OpFeatures.SHALLOW] > 0, "channels not a multiple of 4");
        assertTrue(OpFeatures.of(conv(8, 8, 8, 3, 1))[OpFeatures.CONV] > 0);
    }

    @Test
    void benchmarkNetworksHaveTheExpectedMix() {
        double[] kws = OpFeatures.of(Workloads.dsCnn());
        assertEquals(4 * 25 * 5 * 64 * 64, kws[OpFeatures.POINTWISE], "four 1x1 layers of 64 channels on 25x5");
        assertEquals(25 * 5 * 64 * 10 * 4, kws[OpFeatures.SHALLOW], "the 10x4 first layer on one channel");
        assertEquals(12 * 64, kws[OpFeatures.FC]);
        double[] ad = OpFeatures.of(Workloads.fcAutoencoder());
        assertEquals(264_192, ad[OpFeatures.FC]);
        assertEquals(10, ad[OpFeatures.OPS]);
    }
}
