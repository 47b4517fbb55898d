package org.tinyfit.quant;

import java.util.List;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Interpreter;

/**
 * Observes the range of every float activation (graph inputs and node outputs) by running the float
 * graph in tinyfit's runtime over calibration samples, and chooses each tensor's range by a
 * {@link CalibrationMethod}. Minmax needs one pass; percentile and mse a second one that fills a
 * histogram of {@value #BINS} bins per tensor over the range the first pass found.
 */
public final class Calibration {
    private Calibration() {}

    static final int BINS = 2048;
    /** Clipping ranges the mse method tries: the observed range scaled by k / MSE_STEPS, k = 1..MSE_STEPS. */
    static final int MSE_STEPS = 128;

    /** A real range [min, max]. */
    public record Range(double min, double max) {
        public double width() { return max - min; }

        Range union(Range o) { return o == null ? this : new Range(Math.min(min, o.min), Math.max(max, o.max)); }
    }

    /**
     * The chosen range of each float activation tensor, indexed by tensor id (null for constants and
     * for tensors no sample reached). {@code samples}: each holds one float array per graph input, in
     * the graph's input order, of that input's element count; real values, finite.
     */
    public static Range[] observe(Graph g, List<float[][]> samples, CalibrationMethod method, double percentile) {
        Observer minmax = new Observer(g, null);
        minmax.run(samples);
        Range[] extremes = minmax.extremes();
        if (method == CalibrationMethod.MINMAX) return extremes;
        Observer hist = new Observer(g, extremes);
        hist.run(samples);
        Range[] out = new Range[extremes.length];
        for (int t = 0; t < out.length; t++) {
            if (extremes[t] == null) continue;
            Histogram h = hist.histograms[t];
            out[t] = switch (method) {
                case MINMAX -> extremes[t];
                case PERCENTILE -> h.percentileRange(percentile);
                case MSE -> h.mseRange();
            };
        }
        return out;
    }

    /** Runs the graph over the samples and records, per float activation, its extremes or its histogram. */
    private static final class Observer {
        private final Graph g;
        private final double[] min, max;
        private final Histogram[] histograms;
        private final boolean[] observed;

        Observer(Graph g, Range[] bounds) {
            this.g = g;
            int n = g.tensors().size();
            min = new double[n];
            max = new double[n];
            java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            observed = new boolean[n];
            histograms = bounds == null ? null : new Histogram[n];
            if (bounds != null) for (int t = 0; t < n; t++) if (bounds[t] != null) histograms[t] = new Histogram(bounds[t]);
        }

        void run(List<float[][]> samples) {
            Schedule schedule = Schedule.stored(g);
            Interpreter it;
            try {
                it = new Interpreter(g, schedule, new TflmGreedyPlanner().plan(g, schedule));
            } catch (GraphException e) {
                throw new QuantizationException("the float model does not run in tinyfit's runtime: " + e.getMessage(), e);
            }
            int[] ins = g.inputs();
            for (float[][] sample : samples) {
                byte[][] bytes = new byte[ins.length][];
                for (int k = 0; k < ins.length; k++) {
                    float[] v = sample[k];
                    for (float x : v) see(ins[k], x);
                    bytes[k] = TensorBytes.ofFloats(v);
                }
                it.run(bytes, this::afterNode);
            }
        }

        private void afterNode(int step, Node node, Arena arena) {
            for (int t : node.outputs()) {
                Tensor tensor = g.tensor(t);
                if (tensor.dtype() != DType.F32 || !arena.hasStorage(t)) continue;
                int n = arena.elements(t);
                for (int i = 0; i < n; i++) see(t, arena.f32(t, i));
            }
        }

        private void see(int t, float x) {
            observed[t] = true;
            if (histograms != null) {
                if (histograms[t] != null) histograms[t].add(x);
                return;
            }
            if (x < min[t]) min[t] = x;
            if (x > max[t]) max[t] = x;
        }

        Range[] extremes() {
            Range[] r = new Range[min.length];
            for (int t = 0; t < r.length; t++) if (observed[t]) r[t] = new Range(min[t], max[t]);
            return r;
        }
    }

    /** Counts of values in {@value #BINS} equal bins over an observed range. */
    static final class Histogram {
        final double lo, hi;
        final long[] counts = new long[BINS];
        long total;

        Histogram(Range r) {
            lo = r.min();
            hi = r.max();
        }

        void add(double x) {
            int b = hi > lo ? (int) ((x - lo) / (hi - lo) * BINS) : 0;
            counts[b < 0 ? 0 : b >= BINS ? BINS - 1 : b]++;
            total++;
        }

        double width() { return (hi - lo) / BINS; }

        double center(int b) { return lo + (b + 0.5) * width(); }

        /** The range that leaves out (100 - p)/2 percent of the values at each end (bin edges, so it never shrinks past a bin holding values it keeps). */
        Range percentileRange(double p) {
            if (total == 0 || hi <= lo) return new Range(lo, hi);
            double tail = total * (100 - p) / 200.0;
            long acc = 0;
            int first = 0;
            while (first < BINS - 1 && acc + counts[first] <= tail) acc += counts[first++];
            acc = 0;
            int last = BINS - 1;
            while (last > first && acc + counts[last] <= tail) acc += counts[last--];
            return new Range(lo + first * width(), lo + (last + 1) * width());
        }

        /**
         * The range, among the observed one scaled by k / {@value #MSE_STEPS} (k = 1..{@value #MSE_STEPS}),
         * whose int8 quantization (as {@link AffineParams#asymmetric}) has the least squared error
         * over the histogram's values (each at its bin's center); ties go to the wider range.
         */
        Range mseRange() {
            if (total == 0 || hi <= lo) return new Range(lo, hi);
            Range best = new Range(lo, hi);
            double bestError = error(best);
            for (int k = MSE_STEPS - 1; k >= 1; k--) {
                Range r = new Range(lo * k / MSE_STEPS, hi * k / MSE_STEPS);
                double e = error(r);
                if (e < bestError) {
                    bestError = e;
                    best = r;
                }
            }
            return best;
        }

        /** Sum over bins of count * (value - dequantize(quantize(value)))^2. */
        double error(Range r) {
            org.tinyfit.graph.Quantization q = AffineParams.asymmetric(r.min(), r.max());
            float s = q.scale();
            long zp = q.zeroPoint();
            double sum = 0;
            for (int b = 0; b < BINS; b++) {
                if (counts[b] == 0) continue;
                double x = center(b);
                double back = s * (double) (AffineParams.quantize((float) x, s, zp) - zp);
                sum += counts[b] * (x - back) * (x - back);
            }
            return sum;
        }
    }
}
