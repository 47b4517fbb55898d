package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Provenance;
import org.tinyfit.io.OptimizedModel;
import org.tinyfit.memory.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Reorders a model's operators so that TFLite Micro needs a smaller arena, and shows what more tinyfit could save. */
@Command(name = "optimize", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Reorders operators for the smallest arena TFLite Micro needs.",
        description = {
            "Finds the operator order with the smallest peak of live activation memory",
            "and writes the model with its operators in that order. Nothing else in the",
            "file changes (tensors, buffers, options, metadata), so TFLite Micro runs it",
            "as before, with an arena that is never larger; if no order helps, the",
            "stored order is written and the output says so.",
            "",
            "The order search is exact (dynamic programming over the sets of executed",
            "operators, Liberis & Lane 2019) up to a limit on the states it holds;",
            "beyond it, it is a beam search and the output says 'not proven minimal'.",
            "Chain-shaped models (most MCU models) have one order; branchy ones",
            "(inception, residual blocks, two towers) gain.",
            "",
            "When a plan of its own beats TFLite Micro's greedy planner, it also writes",
            "that plan into the file as TFLite Micro's offline plan (OfflineMemoryAllocation",
            "metadata), so TFLite Micro uses the smaller arena itself; --no-offline-plan",
            "writes only the order.",
            "",
            "It prints, in bytes:",
            "  stored order     TFLite Micro's greedy arena for the order in the file",
            "  optimized order  the same planner on the order written (what TFLM needs)",
            "  best plan        the smallest arena a tinyfit planner finds for it",
            "  lower bound      the most bytes alive at once: no plan can be smaller",
            "  partial exec.    with in-place element-wise/depthwise ops, and the",
            "                   layers at the peak split along channels (Pex) or run",
            "                   in row bands (MCUNetV2): what tinyfit's own runtime",
            "                   and C code need; TFLite Micro does not run in place,",
            "                   so this is not written to the file. Its arena is",
            "                   planned (aliasing in-place outputs) and proven: the",
            "                   split model runs in it and matches the original",
            "",
            "Example: tinyfit optimize person_detect.tflite -o person_detect.opt.tflite"},
        footer = {"", "See docs/optimize.md for what each figure means and how it is computed."})
final class OptimizeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite model.")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.tflite", required = true,
            description = "Where to write the reordered model (must differ from MODEL).")
    Path output;

    @Option(names = "--json", description = "Print the figures as JSON instead of a table (always with the memory profiles).")
    boolean json;

    @Option(names = "--no-offline-plan", description = "Write only the operator order, not tinyfit's best plan as the model's "
        + "OfflineMemoryAllocation metadata (TFLite Micro then plans the arena itself).")
    boolean noOfflinePlan;

    @Option(names = "--profile", description = "Also print the memory profile: the live activation bytes at every step (node and op) of the stored order, and of the written order when it differs, with a bar per step and the peak marked. --json always has both profiles, with the tensors live at each step.")
    boolean profile;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write a self-contained HTML report of the written model on --device: the memory timeline, both arena layouts, the layers.")
    Path report;

    @Option(names = {"-d", "--device"}, paramLabel = "NAME", description = "The board the report judges the model against (needed by --report).")
    String device;

    @Override public Integer call() throws IOException {
        Outputs.notSame(output, "-o", model, "the input model", "the optimized model");
        if (report != null && device == null) throw new UserException("--report needs --device NAME: the board whose SRAM and flash the report draws");
        Device board = report == null ? null : DevicesCommand.find(DevicesCommand.catalog(null), device);
        Outputs.checkModelFile(output, "-o");
        if (report != null) {
            Outputs.checkFile(report, "--report");
            Outputs.notSame(report, "--report", model, "the input model", "the report");
            Outputs.notSame(report, "--report", output, "the -o file", "the report");
        }
        OptimizedModel o = OptimizedModel.of(model, Provenance.of(Main.commandLine(spec)), !noOfflinePlan);
        Outputs.write(output, o.bytes());
        if (report != null) {
            Outputs.write(report, org.tinyfit.report.ModelReport.optimized(model.getFileName() + " → " + output.getFileName(), o, board, null)
                    .html().getBytes(StandardCharsets.UTF_8));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(OptimizeReport.json(model, output, o)));
        } else {
            OptimizeReport.table(out, model, output, o);
            if (profile) {
                OptimizeReport.profile(out, o.graph(), Schedule.stored(o.graph()), "stored order");
                if (o.orderChanged()) OptimizeReport.profile(out, o.graph(), o.writtenOrder(), "written order");
            }
        }
        if (report != null) (json ? spec.commandLine().getErr() : out).println("report: " + report.toAbsolutePath().normalize());
        return 0;
    }
}
