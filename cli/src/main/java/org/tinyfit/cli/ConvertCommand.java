package org.tinyfit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.io.ConvertedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes any model tinyfit reads (an .onnx from PyTorch) as a .tflite for TFLite Micro. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Writes an .onnx (or .tflite) model as a .tflite for TFLite Micro.",
        description = {
            "Reads a model (.onnx or .tflite) and writes it as a .tflite that TFLite",
            "Micro runs: the one-step path from PyTorch to a microcontroller.",
            "",
            "An ONNX model is imported as tinyfit's graph: NCHW images become NHWC by",
            "permuting the weights once (no Transpose is left), batch norm folds into",
            "the layer before it, ReLU/ReLU6 fuse, shape arithmetic is folded, and",
            "quantized graphs (QDQ pairs around conv/linear layers, QLinearConv,",
            "QLinearMatMul, QLinearAdd) become int8 ops. The written model's image",
            "inputs are NHWC, as TFLite's are.",
            "",
            "Example: tinyfit convert net.onnx -o net.tflite"},
        footer = {"", "See docs/onnx.md for the ops imported and ONNX's own tests they pass."})
final class ConvertCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model to convert (.onnx or .tflite).")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.tflite", required = true, description = "Where to write the .tflite (must differ from MODEL).")
    Path output;

    @Override public Integer call() throws IOException {
        Outputs.notSame(output, "-o", model, "the input model", "the converted model");
        Outputs.checkModelFile(output, "-o");
        ConvertedModel c = ConvertedModel.of(model, Provenance.of(Main.commandLine(spec)));
        Outputs.write(output, c.bytes());
        Graph g = c.graph();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s (%s): %d nodes -> %s, %d bytes%n", model.getFileName(), c.format().name(), g.nodes().size(), output, c.bytes().length);
        for (int t : g.inputs()) out.printf(Locale.ROOT, "  input  %s %s%n", g.tensor(t).name(), g.tensor(t).describe());
        for (int t : g.outputs()) out.printf(Locale.ROOT, "  output %s %s%n", g.tensor(t).name(), g.tensor(t).describe());
        return 0;
    }
}
