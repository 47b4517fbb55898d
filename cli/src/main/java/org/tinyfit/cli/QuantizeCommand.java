package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinyfit.data.CalibrationSet;
import org.tinyfit.data.DataException;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.io.ModelReader;
import org.tinyfit.quant.CalibrationMethod;
import org.tinyfit.quant.PostTrainingQuantization;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.quant.QuantizationException;
import org.tinyfit.tflite.TfliteWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Post-training int8 quantization of a float .tflite model. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        header = "Post-training int8 quantization of a float .tflite model.",
        description = {"Runs the float model over calibration samples in tinyfit's runtime to see",
            "the range of every activation, then writes an int8 model by TFLite's rules:",
            "asymmetric int8 activations, symmetric per-channel int8 weights, int32 biases,",
            "the fixed output scales TFLite Micro's softmax, logistic and tanh require.",
            "Input and output are int8 (as TFLite's full-integer converter with int8",
            "inference types) unless --float-io.",
            "",
            "DATA is anything tinyfit's loaders read (its training part is used) or a .npy",
            "of model inputs, shape [N, ...]. Sample value v becomes the real input",
            "v * --scale + --offset, as in tinyfit eval. See docs/quantize.md.",
            "Example (Fashion-MNIST pixels 0..255 to 0..1):",
            "  tinyfit quantize fmnist/model.tflite \\",
            "      --calibrate /usr/share/datasets/fashion-mnist \\",
            "      --scale 0.00392156862745098 -o fmnist_int8.tflite",
            ""})
final class QuantizeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The float .tflite model.")
    Path model;

    @Option(names = "--calibrate", paramLabel = "DATA", required = true, description = "Calibration data: a dataset (path with optional #key=value options) or a .npy of model inputs.")
    String data;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true, description = "Where to write the int8 .tflite.")
    Path output;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "500", description = "Calibration samples, evenly spaced over the data (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--calibration", paramLabel = "minmax|percentile|mse", defaultValue = "minmax",
            description = "How each activation's range is chosen: the observed extremes (default), a central percentile, or the least-error clipping.")
    String calibration;

    @Option(names = "--percentile", paramLabel = "P", defaultValue = "99.99", description = "For --calibration percentile: the percent of values kept (default: ${DEFAULT-VALUE}).")
    double percentile;

    @Option(names = "--per-tensor", description = "One scale per weight tensor instead of one per output channel.")
    boolean perTensor;

    @Option(names = "--float-io", description = "Keep float input and output (a QUANTIZE after the input, a DEQUANTIZE before the output).")
    boolean floatIo;

    @Option(names = "--scale", paramLabel = "S", defaultValue = "1", description = "Multiply each sample value by this (default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--offset", paramLabel = "O", defaultValue = "0", description = "Then add this (default: ${DEFAULT-VALUE}).")
    double offset;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override public Integer call() throws Exception {
        Outputs.notSame(output, "-o", model, "the input model", "the int8 model");
        Outputs.checkModelFile(output, "-o");
        Units.checkScaling(scale, offset);
        Outputs.notSame(output, "-o", Path.of(org.tinyfit.data.Datasets.pathOf(data)), "the calibration data", "the int8 model");
        Graph g = ModelReader.read(model);
        PostTrainingQuantization.Result result;
        try {
            PtqOptions options = new PtqOptions(CalibrationMethod.parse(calibration), percentile, !perTensor, floatIo);
            result = PostTrainingQuantization.quantize(g, new CalibrationSet(data, samples, scale, offset), options);
        } catch (QuantizationException | DataException e) {
            throw new UserException(e.getMessage());
        }
        byte[] bytes = TfliteWriter.write(Provenance.of(Main.commandLine(spec)).attachTo(result.graph()));
        long floatBytes = Files.size(model);
        Outputs.write(output, bytes);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("model", model.toString());
            root.put("output", output.toString());
            root.put("calibration", result.options().method().lower());
            root.put("samples", result.samples());
            root.put("perChannel", result.options().perChannel());
            root.put("floatIo", result.options().floatIo());
            root.put("floatBytes", floatBytes);
            root.put("int8Bytes", bytes.length);
            root.put("ratio", bytes.length / (double) floatBytes);
            o.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return 0;
        }
        o.printf(Locale.ROOT, "%s -> %s: int8, %s calibration over %d samples, %s weights, %s input and output; %,d B -> %,d B (%.2fx)%n",
                model.getFileName(), output, result.options().method().lower(), result.samples(), result.options().perChannel() ? "per-channel" : "per-tensor",
                result.options().floatIo() ? "float" : "int8", floatBytes, bytes.length, bytes.length / (double) floatBytes);
        return 0;
    }
}
