package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.TensorValues;
import org.tinyfit.io.ModelReader;
import org.tinyfit.io.ModelRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs a model once on given inputs in tinyfit's runtime (bit-exact with TFLite Micro) and prints its outputs. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Runs a .tflite or .onnx model in Java, bit-exact with TFLite Micro.",
        description = {"Runs a .tflite or .onnx model once in tinyfit's Java runtime and prints every",
            "output: stored values, real (dequantized) values, and the top class of a",
            "score vector. The runtime computes what TFLite Micro's reference kernels",
            "compute (byte for byte for int8/int16), in one arena laid out by TFLite",
            "Micro's planner.",
            "",
            "An input file is read by its name:",
            "  .npy          an array of the input's shape (leading 1s may differ);",
            "                integers are stored values, floats are real values",
            "                (quantized by the input's scale and zero point)",
            "  .png .jpg     an image, resized to the input's H x W, gray or RGB by",
            "  .bmp .gif     its channels, pixels 0..255 mapped to --image-range",
            "  other         raw bytes: exactly the input tensor's bytes",
            "",
            "Inputs and outputs are in the model's own layout: an ONNX image model",
            "takes NCHW arrays (a 1-D signal NCL), which run moves to tinyfit's NHWC,",
            "and its rank-4 outputs are given back NCHW (printed and written).",
            "",
            "Example: tinyfit run person_detect.tflite --input person.png --image-range=-1,1",
            ""})
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .tflite or .onnx model.")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", required = true,
            description = "An input file; give one per model input, in the model's input order.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write output k (in order, one file per --output) to FILE: .npy (the tensor as stored), .json (stored and real values), else raw bytes.")
    List<Path> outputs = new ArrayList<>();

    @Option(names = "--image-range", paramLabel = "MIN,MAX", defaultValue = "0,1",
            description = "Real values that pixels 0 and 255 map to (default: ${DEFAULT-VALUE}; MobileNet-style inputs: -1,1).")
    String imageRangeText;

    @Option(names = "--reference", description = "Use the plain reference kernels instead of the fast ones (same results, slower).")
    boolean reference;

    @Option(names = "--json", description = "Print the outputs as JSON.")
    boolean json;

    @Override public Integer call() throws Exception {
        double[] imageRange = parseRange(imageRangeText);
        for (int k = 0; k < outputs.size(); k++) {
            Path o = outputs.get(k);
            Outputs.checkFile(o, "-o");
            String writing = "output " + k;
            Outputs.notSame(o, "-o", model, "the input model", writing);
            for (Path in : inputs) Outputs.notSame(o, "-o", in, "an --input file", writing);
            for (int j = 0; j < k; j++) Outputs.notSame(o, "-o", outputs.get(j), "given for output " + j + " too", writing);
        }
        Graph g = ModelReader.read(model);
        int[] ins = g.inputs();
        if (inputs.size() != ins.length) {
            throw new UserException(model.getFileName() + " has " + Units.count(ins.length, "input") + " ("
                    + describe(g, ins) + "); give one --input per input, got " + inputs.size());
        }
        if (outputs.size() > g.outputs().length) {
            throw new UserException(model.getFileName() + " has " + Units.count(g.outputs().length, "output") + "; got " + outputs.size() + " --output files");
        }
        byte[][] data = new byte[ins.length][];
        for (int k = 0; k < ins.length; k++) data[k] = ModelInputs.read(inputs.get(k), g, ins[k], imageRange);
        ModelRun run = ModelRun.of(g, data, !reference);
        Tensor[] shown = run.outputs();
        byte[][] result = run.values();
        int[] outs = g.outputs();
        for (int k = 0; k < outputs.size(); k++) write(outputs.get(k), shown[k], result[k]);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("model", model.toString());
            root.put("arenaBytes", run.plan().arenaBytes());
            root.put("runMillis", run.millis());
            List<Object> list = new ArrayList<>();
            for (int k = 0; k < outs.length; k++) list.add(outputJson(shown[k], result[k]));
            root.put("outputs", list);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return 0;
        }
        out.printf(Locale.ROOT, "%s: %d nodes, arena %d bytes (%s plan, stored order), ran in %.2f ms%n",
                model.getFileName(), g.nodes().size(), run.plan().arenaBytes(), run.plan().planner(), run.millis());
        for (int k = 0; k < outs.length; k++) printOutput(out, k, shown[k], result[k], ModelRun.classScores(g, outs[k]));
        return 0;
    }

    static double[] parseRange(String text) {
        String[] parts = text.split(",");
        try {
            if (parts.length == 2) return new double[] {Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip())};
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UserException("--image-range takes two numbers MIN,MAX (e.g. -1,1), not '" + text + "'");
    }

    static String describe(Graph g, int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ids.length; i++) b.append(i == 0 ? "" : ", ").append(g.tensor(ids[i]).name()).append(' ').append(g.tensor(ids[i]).describe());
        return b.toString();
    }

    static Map<String, Object> outputJson(Tensor t, byte[] bytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("dtype", t.dtype().lower());
        m.put("shape", t.shape().dims());
        if (t.quant() != null && !t.quant().perChannel()) {
            m.put("scale", t.quant().scale());
            m.put("zeroPoint", t.quant().zeroPoint());
        }
        double[] stored = TensorValues.stored(t, bytes);
        m.put("stored", t.dtype().isFloat() ? stored : Arrays.stream(stored).mapToLong(v -> (long) v).toArray());
        m.put("real", TensorValues.real(t, bytes));
        return m;
    }

    static void printOutput(PrintWriter out, int k, Tensor t, byte[] bytes, boolean classScores) {
        String q = t.quant() == null || t.dtype().isFloat() ? "" : t.quant().perChannel() ? " " + t.quant() : String.format(Locale.ROOT, " scale=%g zero_point=%d", t.quant().scale(), t.quant().zeroPoint());
        out.printf(Locale.ROOT, "output %d (%s) %s%s%n", k, t.name(), t.describe(), q);
        double[] stored = TensorValues.stored(t, bytes), real = TensorValues.real(t, bytes);
        int show = Math.min(stored.length, 16);
        StringBuilder s = new StringBuilder("  stored:");
        StringBuilder r = new StringBuilder("  real:  ");
        for (int i = 0; i < show; i++) {
            s.append(' ').append(t.dtype().isFloat() ? String.format(Locale.ROOT, "%.6g", stored[i]) : String.valueOf((long) stored[i]));
            r.append(' ').append(String.format(Locale.ROOT, "%.6g", real[i]));
        }
        if (show < stored.length) { s.append(" ... (").append(stored.length).append(" values)"); r.append(" ..."); }
        out.println(s);
        if (!t.dtype().isFloat()) out.println(r);
        if (classScores) {
            int best = 0;
            for (int i = 1; i < real.length; i++) if (real[i] > real[best]) best = i;
            out.printf(Locale.ROOT, "  top: class %d (%.6g)%n", best, real[best]);
        }
    }

    static void write(Path file, Tensor t, byte[] bytes) throws Exception {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] content;
        if (name.endsWith(".npy")) content = NpyWriter.write(t, bytes);
        else if (name.endsWith(".json")) content = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(outputJson(t, bytes));
        else content = bytes;
        Outputs.write(file, content);
    }
}
