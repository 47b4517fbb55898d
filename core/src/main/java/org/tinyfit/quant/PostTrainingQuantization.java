package org.tinyfit.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;

/**
 * Post-training quantization: a float graph and calibration samples in, an int8 graph that TFLite
 * Micro (and tinyfit's runtime) runs out. The float graph runs over the samples in tinyfit's runtime
 * to observe each activation's range ({@link Calibration}); {@link Quantizer} then applies TFLite's
 * rules. The result is checked by preparing it in the int8 runtime, so a graph it returns runs.
 */
public final class PostTrainingQuantization {
    private PostTrainingQuantization() {}

    /** The quantized graph, and what calibration chose: the real range of each activation of the float graph (by tensor id). */
    public record Result(Graph graph, Calibration.Range[] ranges, int samples, PtqOptions options) {}

    /**
     * Quantizes {@code g}. {@code samples}: one float array per graph input (real values, in the
     * graph's input order, each of that input's element count). Throws {@link QuantizationException}
     * for a graph that is not float32 or has an op that cannot be quantized, and for an empty
     * calibration set, a sample of the wrong size, or a NaN or infinite value.
     */
    public static Result quantize(Graph g, List<float[][]> samples, PtqOptions options) {
        return quantize(g, CalibrationSource.of(samples), options);
    }

    /** As {@link #quantize(Graph, List, PtqOptions)}, asking {@code source} for the samples once the model has passed its checks. */
    public static Result quantize(Graph g, CalibrationSource source, PtqOptions options) {
        checkFloatModel(g);
        List<float[][]> samples = source.samples(g);
        checkSamples(g, samples);
        Calibration.Range[] ranges = Calibration.observe(g, samples, options.method(), options.percentile());
        Graph q = Quantizer.quantize(g, ranges, options);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("tinyfit.quantization", "post-training int8: " + options.method().lower() + " calibration over " + samples.size()
                + " samples, " + (options.perChannel() ? "per-channel" : "per-tensor") + " weights, "
                + (options.floatIo() ? "float" : "int8") + " input and output");
        q = q.withMetadata(meta);
        try {
            Schedule s = Schedule.stored(q);
            new Interpreter(q, s, new TflmGreedyPlanner().plan(q, s));
        } catch (GraphException e) {
            throw new QuantizationException("the quantized model does not run: " + e.getMessage(), e);
        }
        return new Result(q, ranges, samples.size(), options);
    }

    /** Throws unless every activation is float32 and unquantized and no node already (de)quantizes. */
    public static void checkFloatModel(Graph g) {
        for (Node n : g.nodes()) {
            if (n.op() instanceof Op.Quantize || n.op() instanceof Op.Dequantize) {
                throw new QuantizationException("the model is already quantized (" + n.label() + "); give tinyfit the float model");
            }
        }
        List<Integer> activations = new ArrayList<>();
        for (int t : g.inputs()) activations.add(t);
        for (Node n : g.nodes()) for (int t : n.outputs()) activations.add(t);
        for (int t : activations) {
            Tensor tensor = g.tensor(t);
            if (tensor.dtype() == DType.F32 && tensor.quant() == null) continue;
            String what = tensor.dtype().isQuantizedInt() || tensor.quant() != null ? "already quantized" : "not float32";
            throw new QuantizationException("the model is " + what + ": tensor " + t + " (" + tensor.name() + ") is " + tensor.dtype().lower()
                    + "; post-training quantization takes a float32 model");
        }
    }

    /** Throws for an empty set, a sample with the wrong number of arrays or values, or a value that is NaN or infinite. */
    public static void checkSamples(Graph g, List<float[][]> samples) {
        if (samples == null || samples.isEmpty()) throw new QuantizationException("the calibration set is empty; give at least one sample");
        int[] ins = g.inputs();
        for (int i = 0; i < samples.size(); i++) {
            float[][] s = samples.get(i);
            if (s == null || s.length != ins.length) {
                throw new QuantizationException("calibration sample " + i + " has " + (s == null ? 0 : s.length) + " input arrays, the model has " + ins.length + " inputs");
            }
            for (int k = 0; k < ins.length; k++) {
                Tensor t = g.tensor(ins[k]);
                if (s[k] == null || s[k].length != t.shape().elements()) {
                    throw new QuantizationException("calibration sample " + i + " has " + (s[k] == null ? 0 : s[k].length) + " values for input "
                            + t.name() + " of shape " + t.shape() + ", which needs " + t.shape().elements());
                }
                for (int j = 0; j < s[k].length; j++) {
                    if (!Float.isFinite(s[k][j])) {
                        throw new QuantizationException("calibration sample " + i + ", input " + t.name() + ", value " + j + " is " + s[k][j]
                                + "; calibration data must be finite");
                    }
                }
            }
        }
    }
}
