package org.tinyfit.train;

import java.util.Arrays;
import org.tinyfit.data.Normalization;
import org.tinyfit.graph.Graph;
import org.tinyfit.passes.InputNormalization;
import org.tinyfit.quant.Calibration;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.quant.QuantizationException;
import org.tinyfit.quant.Quantizer;

/**
 * A trained float inference graph (batch norm folded, dropout removed) as the int8 model a device
 * runs, in the order every export takes: the data's normalization put inside the graph
 * ({@link InputNormalization}), then TFLite's int8 rules ({@link Quantizer}) with given activation
 * ranges. Quantization-aware training runs each step's forward pass through this conversion and
 * writes its last one, so the model it scores is the model it writes.
 */
public final class Int8Conversion {
    private Int8Conversion() {}

    /**
     * The conversion.
     *
     * @param int8       the int8 graph: takes the data as stored, int8 input and output
     * @param withNormalization the float graph with the normalization inside, which {@code int8} quantizes
     * @param int8Of     for each tensor id of the inference graph, the int8 tensor holding its values (-1 for constants)
     * @param rawInput   whether the int8 tensor of the inference graph's input holds the data as stored
     *                   (the normalization was folded into the first layer's weights, or there is none to apply),
     *                   so that its values become the inference graph's input only after normalization
     * @param placement  where the normalization went, null without one
     */
    public record Result(Graph int8, Graph withNormalization, int[] int8Of, boolean rawInput, InputNormalization.Result placement) {}

    /**
     * Converts {@code inference}.
     *
     * @param norm        the normalization the graph was trained behind, or null
     * @param ranges      the real range of each activation of {@code inference}, by tensor id (its input in normalized units)
     * @param rawInput    the range of the data as stored (ignored without a normalization)
     * @param scaledInput the range of the stored data times the normalization's scale: the first of the two
     *                    layers a normalization that cannot be folded becomes (ignored otherwise)
     */
    public static Result convert(Graph inference, Normalization norm, Calibration.Range[] ranges, Calibration.Range rawInput,
            Calibration.Range scaledInput, PtqOptions options) {
        if (ranges.length != inference.tensors().size()) {
            throw new QuantizationException(ranges.length + " ranges for a graph of " + inference.tensors().size() + " tensors");
        }
        InputNormalization.Result placed = norm == null ? null : InputNormalization.apply(inference, norm.shift(), norm.scale());
        Graph g = placed == null ? inference : placed.graph();
        int offset = g.nodes().size() - inference.nodes().size();
        boolean firstLayers = placed != null && placed.placement() == InputNormalization.Placement.FIRST_LAYERS;
        if (offset != (firstLayers ? 2 : 0)) throw new IllegalStateException("the normalization added " + offset + " nodes");
        Calibration.Range[] gRanges = new Calibration.Range[g.tensors().size()];
        int[] origin = new int[g.tensors().size()];
        Arrays.fill(origin, -1);
        for (int i = 0; i < inference.nodes().size(); i++) {
            int[] from = inference.node(i).outputs(), to = g.node(i + offset).outputs();
            for (int k = 0; k < from.length; k++) {
                gRanges[to[k]] = ranges[from[k]];
                origin[to[k]] = from[k];
            }
        }
        int input = inference.inputs()[0];
        int gInput = g.inputs()[0];
        if (placed == null) {
            gRanges[gInput] = ranges[input];
            origin[gInput] = input;
        } else if (firstLayers) {
            gRanges[gInput] = rawInput;
            gRanges[g.node(0).output(0)] = scaledInput;
            gRanges[g.node(1).output(0)] = ranges[input];
            origin[g.node(1).output(0)] = input;
        } else {
            gRanges[gInput] = rawInput;
            origin[gInput] = input;
        }
        Quantizer.Mapped mapped = Quantizer.quantizeMapped(g, gRanges, options);
        int[] int8Of = new int[inference.tensors().size()];
        Arrays.fill(int8Of, -1);
        for (int t = 0; t < origin.length; t++) if (origin[t] >= 0) int8Of[origin[t]] = mapped.tensorOf()[t];
        return new Result(mapped.graph(), g, int8Of, placed != null && !firstLayers, placed);
    }
}
