package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;

/**
 * A bias too large for int32 at input scale times weight scale raises that channel's weight scale
 * until it fits, instead of saturating; a bias that fits leaves the weights as they were.
 */
class BiasOverflowTest {
    /** x[1,K] -> FULLY_CONNECTED with weights [C,K] of deviation wScale and the given bias. */
    static Graph dense(float[] w, float[] bias, int k) {
        GraphBuilder b = new GraphBuilder("dense");
        int x = b.input("x", DType.F32, 1, k);
        int wt = b.constant("w", DType.F32, Shape.of(bias.length, k), TensorBytes.ofFloats(w));
        int bt = b.constant("b", DType.F32, Shape.of(bias.length), TensorBytes.ofFloats(bias));
        int y = b.node(new Op.FullyConnected(Op.Act.NONE, false), "y", x, wt, bt);
        return b.output(y).build();
    }

    @Property(tries = 300)
    void everyBiasIsExactToHalfAStepAndNoWeightScaleShrinks(@ForAll @IntRange(min = 1, max = 6) int channels, @ForAll @IntRange(min = 1, max = 8) int k,
            @ForAll @IntRange(min = -9, max = 0) int weightExp, @ForAll @IntRange(min = -4, max = 10) int biasExp,
            @ForAll @IntRange(min = -6, max = 2) int inputExp, @ForAll boolean perChannel, @ForAll long seed) {
        Random r = new Random(seed);
        float[] w = new float[channels * k], bias = new float[channels];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * Math.pow(10, weightExp));
        if (r.nextInt(4) == 0) for (int i = 0; i < k; i++) w[i] = 0f;
        for (int c = 0; c < channels; c++) bias[c] = (float) (r.nextGaussian() * Math.pow(10, biasExp - r.nextInt(3)));
        Graph g = dense(w, bias, k);
        double in = Math.pow(10, inputExp);
        Calibration.Range[] ranges = new Calibration.Range[g.tensors().size()];
        ranges[g.inputs()[0]] = new Calibration.Range(-in, in);
        ranges[g.outputs()[0]] = new Calibration.Range(-1e3, 1e3);
        Graph q = Quantizer.quantize(g, ranges, PtqOptions.defaults().withPerChannel(perChannel));

        Node fc = q.node(0);
        Tensor qx = q.tensor(fc.input(0)), qw = q.tensor(fc.input(1)), qb = q.tensor(fc.input(2));
        float[] natural = AffineParams.symmetric(w, new int[] {channels, k}, 0, perChannel).quant().scales();
        Quantization wq = qw.quant(), bq = qb.quant();
        int[] qbias = TensorBytes.constInts(qb);
        boolean raised = false;
        for (int c = 0; c < channels; c++) {
            float ws = wq.scale(perChannel ? c : 0), nat = natural[perChannel ? c : 0];
            assertTrue(ws >= nat, "channel " + c + ": weight scale " + ws + " below its natural " + nat);
            raised |= ws > nat;
            double bs = bq.scale(perChannel ? c : 0);
            assertEquals((float) (qx.quant().scale() * ws), (float) bs, "channel " + c + ": bias scale is input scale times weight scale");
            assertTrue(Math.abs(qbias[c]) < Integer.MAX_VALUE, "channel " + c + ": bias " + bias[c] + " saturated at scale " + bs);
            assertTrue(Math.abs(qbias[c] * bs - bias[c]) <= 0.5 * bs * (1 + 1e-9), "channel " + c + ": bias " + bias[c] + " is " + qbias[c] + " x " + bs);
        }
        boolean fitsNaturally = true;
        for (int c = 0; c < channels; c++) fitsNaturally &= AffineParams.biasFits(bias[c], qx.quant().scale(), natural[perChannel ? c : 0]);
        assertEquals(!fitsNaturally, raised, "weight scales are raised exactly when a bias would not fit");
        Schedule s = Schedule.stored(q);
        new Interpreter(q, s, new TflmGreedyPlanner().plan(q, s));
    }

    @Test void aHugeBiasBesideTinyWeightsRaisesOnlyItsChannel() {
        float[] w = {1e-6f, -2e-6f, 0.5f, 0.25f};
        float[] bias = {3000f, 0.1f};
        Graph g = dense(w, bias, 2);
        Calibration.Range[] ranges = new Calibration.Range[g.tensors().size()];
        ranges[g.inputs()[0]] = new Calibration.Range(-1e-3, 1e-3);
        ranges[g.outputs()[0]] = new Calibration.Range(-4000, 4000);
        Graph q = Quantizer.quantize(g, ranges, PtqOptions.defaults());
        Quantization wq = q.tensor(q.node(0).input(1)).quant();
        float in = q.tensor(q.node(0).input(0)).quant().scale();
        assertTrue(wq.scale(0) > 2e-6f / 127, "channel 0 raised: " + wq.scale(0));
        assertEquals(0.5f / 127, wq.scale(1), "channel 1 unchanged");
        int[] qb = TensorBytes.constInts(q.tensor(q.node(0).input(2)));
        assertEquals(3000.0, qb[0] * (double) (in * wq.scale(0)), 0.5 * in * wq.scale(0) * 1.000001);
    }
}
