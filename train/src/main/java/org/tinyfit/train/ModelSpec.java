package org.tinyfit.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;

/**
 * A small description of a feed-forward network: an input shape [H, W, C] (or [features]) and a
 * list of layers. Parsed from JSON (see docs/train.md) or built in Java with {@link #builder};
 * {@link SpecCompiler} turns it into a {@link org.tinyfit.graph.Graph} with seeded initial weights.
 */
public record ModelSpec(int[] input, List<Layer> layers, boolean softmax, String name) {
    public ModelSpec {
        input = input.clone();
        layers = List.copyOf(layers);
        if (input.length == 0) throw new GraphException("model spec: input must give at least one dimension, e.g. [28,28,1]");
        for (int d : input) if (d <= 0) throw new GraphException("model spec: input dimensions must be positive, got " + java.util.Arrays.toString(input));
        if (layers.isEmpty()) throw new GraphException("model spec: it has no layers; add at least a {\"dense\": N}");
        if (name == null) name = "model";
    }

    @Override public int[] input() { return input.clone(); }

    /** Activation names accepted by the spec. */
    public enum Activation { NONE, RELU, RELU6, TANH, SIGMOID;
        static Activation parse(String s, String where) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new GraphException(where + ": unknown activation '" + s + "'; use none, relu, relu6, tanh or sigmoid");
            }
        }
    }

    /** Weight initializers: He (normal, for ReLU family) or Glorot (uniform); AUTO picks He before a ReLU-family activation. */
    public enum Init { AUTO, HE, GLOROT }

    public sealed interface Layer {}

    public record Conv(int filters, int kernel, int stride, int dilation, Op.Padding padding, Activation act, boolean bn, Init init) implements Layer {}

    public record DepthwiseConv(int kernel, int stride, int multiplier, int dilation, Op.Padding padding, Activation act, boolean bn, Init init) implements Layer {}

    public record Pool(boolean max, int size, int stride, Op.Padding padding) implements Layer {}

    /**
     * A 1-D convolution over [length, channels]: becomes CONV_2D with a filter [F, 1, k, C] on the
     * sequence seen as an image of height 1 ([1, 1, L, C]).
     */
    public record Conv1D(int filters, int kernel, int stride, int dilation, Op.Padding padding, Activation act, boolean bn, Init init) implements Layer {}

    /** A 1-D depthwise convolution over [length, channels]: DEPTHWISE_CONV_2D with a filter [1, 1, k, C·m]. */
    public record DepthwiseConv1D(int kernel, int stride, int multiplier, int dilation, Op.Padding padding, Activation act, boolean bn, Init init) implements Layer {}

    /** 1-D max or average pooling over [length, channels]: MAX_POOL_2D / AVERAGE_POOL_2D with a 1×k window. */
    public record Pool1D(boolean max, int size, int stride, Op.Padding padding) implements Layer {}

    /** Global average pooling over H and W. */
    public record GlobalAvgPool() implements Layer {}

    public record Flatten() implements Layer {}

    public record Dense(int units, Activation act, boolean bn, Init init) implements Layer {}

    public record Dropout(float rate) implements Layer {}

    /** A residual block: the layers' output added to the block's input (shapes must match). */
    public record Residual(List<Layer> layers) implements Layer {
        public Residual { layers = List.copyOf(layers); }
    }

    // ---- JSON ----

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ModelSpec parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new GraphException("model spec is not valid JSON" + org.tinyfit.io.JsonErrors.describe(e));
        }
        if (root == null || !root.isObject()) throw new GraphException("model spec must be a JSON object like {\"input\":[28,28,1],\"layers\":[...]}");
        checkKeys(root, "model spec", Set.of("input", "layers", "softmax", "name"));
        JsonNode in = root.get("input");
        if (in == null || !in.isArray()) throw new GraphException("model spec: \"input\" must be an array of dimensions, e.g. [28,28,1]");
        int[] dims = new int[in.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = in.get(i).asInt();
        JsonNode ls = root.get("layers");
        if (ls == null || !ls.isArray()) throw new GraphException("model spec: \"layers\" must be an array of layer objects");
        return new ModelSpec(dims, parseLayers(ls, "layer "), root.path("softmax").asBoolean(false),
                root.has("name") ? root.get("name").asText() : "model");
    }

    private static List<Layer> parseLayers(JsonNode ls, String prefix) {
        List<Layer> out = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) out.add(parseLayer(ls.get(i), prefix + i));
        return out;
    }

    private static final Set<String> KINDS = Set.of("conv", "dwconv", "maxpool", "avgpool", "conv1d", "dwconv1d", "maxpool1d", "avgpool1d", "gap", "flatten", "dense", "dropout", "residual");

    private static Layer parseLayer(JsonNode l, String where) {
        if (!l.isObject()) throw new GraphException(where + ": must be an object such as {\"conv\":16}");
        String kind = null;
        for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (KINDS.contains(k)) {
                if (kind != null) throw new GraphException(where + ": has both '" + kind + "' and '" + k + "'; one layer kind per object");
                kind = k;
            }
        }
        if (kind == null) throw new GraphException(where + ": names no layer kind; use one of " + String.join(", ", KINDS.stream().sorted().toList()));
        Activation act = Activation.parse(l.path("act").asText("none"), where);
        Init init = l.has("init") ? parseInit(l.get("init").asText(), where) : Init.AUTO;
        Op.Padding pad = parsePadding(l.path("padding").asText("same"), where);
        boolean bn = l.path("bn").asBoolean(false);
        return switch (kind) {
            case "conv" -> {
                checkKeys(l, where, Set.of("conv", "kernel", "stride", "dilation", "padding", "act", "bn", "init"));
                yield new Conv(positive(l, "conv", 0, where), positive(l, "kernel", 3, where), positive(l, "stride", 1, where), positive(l, "dilation", 1, where), pad, act, bn, init);
            }
            case "dwconv" -> {
                checkKeys(l, where, Set.of("dwconv", "stride", "multiplier", "dilation", "padding", "act", "bn", "init"));
                yield new DepthwiseConv(positive(l, "dwconv", 0, where), positive(l, "stride", 1, where), positive(l, "multiplier", 1, where), positive(l, "dilation", 1, where), pad, act, bn, init);
            }
            case "maxpool", "avgpool" -> {
                checkKeys(l, where, Set.of(kind, "stride", "padding"));
                int size = positive(l, kind, 2, where);
                yield new Pool(kind.equals("maxpool"), size, positive(l, "stride", size, where), l.has("padding") ? pad : Op.Padding.VALID);
            }
            case "conv1d" -> {
                checkKeys(l, where, Set.of("conv1d", "kernel", "stride", "dilation", "padding", "act", "bn", "init"));
                yield new Conv1D(positive(l, "conv1d", 0, where), positive(l, "kernel", 3, where), positive(l, "stride", 1, where), positive(l, "dilation", 1, where), pad, act, bn, init);
            }
            case "dwconv1d" -> {
                checkKeys(l, where, Set.of("dwconv1d", "stride", "multiplier", "dilation", "padding", "act", "bn", "init"));
                yield new DepthwiseConv1D(positive(l, "dwconv1d", 0, where), positive(l, "stride", 1, where), positive(l, "multiplier", 1, where), positive(l, "dilation", 1, where), pad, act, bn, init);
            }
            case "maxpool1d", "avgpool1d" -> {
                checkKeys(l, where, Set.of(kind, "stride", "padding"));
                int size = positive(l, kind, 2, where);
                yield new Pool1D(kind.equals("maxpool1d"), size, positive(l, "stride", size, where), l.has("padding") ? pad : Op.Padding.VALID);
            }
            case "gap" -> { checkKeys(l, where, Set.of("gap")); yield new GlobalAvgPool(); }
            case "flatten" -> { checkKeys(l, where, Set.of("flatten")); yield new Flatten(); }
            case "dense" -> {
                checkKeys(l, where, Set.of("dense", "act", "bn", "init"));
                yield new Dense(positive(l, "dense", 0, where), act, bn, init);
            }
            case "dropout" -> {
                checkKeys(l, where, Set.of("dropout"));
                double r = l.get("dropout").asDouble(-1);
                if (!(r >= 0 && r < 1)) throw new GraphException(where + ": dropout rate must be in [0, 1), got " + l.get("dropout"));
                yield new Dropout((float) r);
            }
            case "residual" -> {
                checkKeys(l, where, Set.of("residual"));
                if (!l.get("residual").isArray()) throw new GraphException(where + ": \"residual\" must be an array of layers");
                yield new Residual(parseLayers(l.get("residual"), where + ".layer "));
            }
            default -> throw new IllegalStateException(kind);
        };
    }

    private static void checkKeys(JsonNode l, String where, Set<String> allowed) {
        for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) throw new GraphException(where + ": unknown key '" + k + "'; allowed here: " + String.join(", ", allowed.stream().sorted().toList()));
        }
    }

    private static int positive(JsonNode l, String key, int dflt, String where) {
        JsonNode v = l.get(key);
        if (v == null) {
            if (dflt > 0) return dflt;
            throw new GraphException(where + ": '" + key + "' is required");
        }
        if (!v.canConvertToInt() || v.asInt() <= 0) throw new GraphException(where + ": '" + key + "' must be a positive integer, got " + v);
        return v.asInt();
    }

    private static Op.Padding parsePadding(String s, String where) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "same" -> Op.Padding.SAME;
            case "valid" -> Op.Padding.VALID;
            default -> throw new GraphException(where + ": padding must be \"same\" or \"valid\", got '" + s + "'");
        };
    }

    private static Init parseInit(String s, String where) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "he" -> Init.HE;
            case "glorot" -> Init.GLOROT;
            case "auto" -> Init.AUTO;
            default -> throw new GraphException(where + ": init must be \"he\", \"glorot\" or \"auto\", got '" + s + "'");
        };
    }

    /** The spec as JSON (parse(toJson()) gives an equal spec). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name);
        ArrayNode in = root.putArray("input");
        for (int d : input) in.add(d);
        writeLayers(root.putArray("layers"), layers);
        if (softmax) root.put("softmax", true);
        return root.toString();
    }

    private static void writeLayers(ArrayNode arr, List<Layer> layers) {
        for (Layer layer : layers) {
            ObjectNode o = arr.addObject();
            switch (layer) {
                case Conv c -> {
                    o.put("conv", c.filters()).put("kernel", c.kernel()).put("stride", c.stride());
                    if (c.dilation() != 1) o.put("dilation", c.dilation());
                    common(o, c.padding(), c.act(), c.bn(), c.init());
                }
                case DepthwiseConv d -> {
                    o.put("dwconv", d.kernel()).put("stride", d.stride());
                    if (d.multiplier() != 1) o.put("multiplier", d.multiplier());
                    if (d.dilation() != 1) o.put("dilation", d.dilation());
                    common(o, d.padding(), d.act(), d.bn(), d.init());
                }
                case Pool p -> o.put(p.max() ? "maxpool" : "avgpool", p.size()).put("stride", p.stride()).put("padding", p.padding().name().toLowerCase(Locale.ROOT));
                case Conv1D c -> {
                    o.put("conv1d", c.filters()).put("kernel", c.kernel()).put("stride", c.stride());
                    if (c.dilation() != 1) o.put("dilation", c.dilation());
                    common(o, c.padding(), c.act(), c.bn(), c.init());
                }
                case DepthwiseConv1D d -> {
                    o.put("dwconv1d", d.kernel()).put("stride", d.stride());
                    if (d.multiplier() != 1) o.put("multiplier", d.multiplier());
                    if (d.dilation() != 1) o.put("dilation", d.dilation());
                    common(o, d.padding(), d.act(), d.bn(), d.init());
                }
                case Pool1D p -> o.put(p.max() ? "maxpool1d" : "avgpool1d", p.size()).put("stride", p.stride()).put("padding", p.padding().name().toLowerCase(Locale.ROOT));
                case GlobalAvgPool g -> o.put("gap", true);
                case Flatten f -> o.put("flatten", true);
                case Dense d -> {
                    o.put("dense", d.units());
                    if (d.act() != Activation.NONE) o.put("act", d.act().name().toLowerCase(Locale.ROOT));
                    if (d.bn()) o.put("bn", true);
                    if (d.init() != Init.AUTO) o.put("init", d.init().name().toLowerCase(Locale.ROOT));
                }
                case Dropout d -> o.put("dropout", d.rate());
                case Residual r -> writeLayers(o.putArray("residual"), r.layers());
            }
        }
    }

    private static void common(ObjectNode o, Op.Padding pad, Activation act, boolean bn, Init init) {
        if (pad != Op.Padding.SAME) o.put("padding", pad.name().toLowerCase(Locale.ROOT));
        if (act != Activation.NONE) o.put("act", act.name().toLowerCase(Locale.ROOT));
        if (bn) o.put("bn", true);
        if (init != Init.AUTO) o.put("init", init.name().toLowerCase(Locale.ROOT));
    }

    // ---- Java builder ----

    public static Builder builder(int... input) { return new Builder(input); }

    /** Builds a spec in code: {@code ModelSpec.builder(28,28,1).conv(16, 3, "relu", true).maxPool(2).gap().dense(10).build()}. */
    public static final class Builder {
        private final int[] input;
        private final List<Layer> layers = new ArrayList<>();
        private boolean softmax;
        private String name = "model";

        Builder(int[] input) { this.input = input.clone(); }

        public Builder conv(int filters, int kernel, String act, boolean bn) { return conv(filters, kernel, 1, act, bn); }

        public Builder conv(int filters, int kernel, int stride, String act, boolean bn) {
            return add(new Conv(filters, kernel, stride, 1, Op.Padding.SAME, Activation.parse(act, "conv"), bn, Init.AUTO));
        }

        public Builder dwconv(int kernel, int stride, String act, boolean bn) {
            return add(new DepthwiseConv(kernel, stride, 1, 1, Op.Padding.SAME, Activation.parse(act, "dwconv"), bn, Init.AUTO));
        }

        public Builder maxPool(int size) { return add(new Pool(true, size, size, Op.Padding.VALID)); }

        public Builder avgPool(int size) { return add(new Pool(false, size, size, Op.Padding.VALID)); }

        /** A 1-D convolution (SAME padding) over [length, channels]. */
        public Builder conv1d(int filters, int kernel, int stride, String act, boolean bn) {
            return add(new Conv1D(filters, kernel, stride, 1, Op.Padding.SAME, Activation.parse(act, "conv1d"), bn, Init.AUTO));
        }

        /** A 1-D depthwise convolution (SAME padding, multiplier 1) over [length, channels]. */
        public Builder dwconv1d(int kernel, int stride, String act, boolean bn) {
            return add(new DepthwiseConv1D(kernel, stride, 1, 1, Op.Padding.SAME, Activation.parse(act, "dwconv1d"), bn, Init.AUTO));
        }

        public Builder maxPool1d(int size) { return add(new Pool1D(true, size, size, Op.Padding.VALID)); }

        public Builder avgPool1d(int size) { return add(new Pool1D(false, size, size, Op.Padding.VALID)); }

        public Builder gap() { return add(new GlobalAvgPool()); }

        public Builder flatten() { return add(new Flatten()); }

        public Builder dense(int units) { return dense(units, "none"); }

        public Builder dense(int units, String act) { return add(new Dense(units, Activation.parse(act, "dense"), false, Init.AUTO)); }

        public Builder dropout(float rate) { return add(new Dropout(rate)); }

        public Builder add(Layer l) { layers.add(l); return this; }

        public Builder softmax(boolean on) { softmax = on; return this; }

        public Builder name(String n) { name = n; return this; }

        public ModelSpec build() { return new ModelSpec(input, layers, softmax, name); }
    }

    @Override public boolean equals(Object o) {
        return o instanceof ModelSpec s && java.util.Arrays.equals(input, s.input) && layers.equals(s.layers) && softmax == s.softmax && name.equals(s.name);
    }

    @Override public int hashCode() { return java.util.Arrays.hashCode(input) * 31 + layers.hashCode(); }
}
