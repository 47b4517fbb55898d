package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tinyfit.codegen.CodegenException;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceException;
import org.tinyfit.graph.Graph;
import org.tinyfit.io.ModelReader;
import org.tinyfit.latency.Runtimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Does a .tflite model fit a board, and what binds? */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        header = "Does a .tflite model fit a board, and what blocks it.",
        description = {"Analyzes a .tflite model against a board, as TFLite Micro would run it (the",
            "stored operator order, TFLite Micro's greedy arena planner): per node, the op,",
            "shapes, MACs, weight and activation bytes and estimated latency; in total,",
            "MACs, parameters, flash, peak SRAM and latency; and a verdict: FITS, DOES NOT",
            "FIT naming the binding constraint (SRAM, contiguous SRAM or flash) and by how",
            "much, or CANNOT RUN naming the nodes TFLite Micro cannot run (hybrid nodes, ops",
            "it has no kernel for). With several boards (--device a,b,c), one table compares",
            "them.",
            "",
            "Flash = the model file + TFLite Micro's code; SRAM = the planned arena + TFLite",
            "Micro's persistent data. How each number is made: docs/analyze.md. Boards:",
            "tinyfit devices."},
        footer = {"", "Example: tinyfit analyze person_detect.tflite --device stm32f746g-disco"})
final class AnalyzeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .tflite file.")
    Path model;

    @Option(names = {"-d", "--device"}, required = true, paramLabel = "NAME[,NAME...]",
            description = "The board: an id or name from 'tinyfit devices' (case-insensitive; a unique part will do); several, comma-separated, to compare them.")
    String devices;

    @Option(names = "--fail-if-not-fit", description = "Exit with code 2 when the verdict (on any board) is DOES NOT FIT or CANNOT RUN, for CI.")
    boolean failIfNotFit;

    @Option(names = "--json", description = "Print everything as JSON.")
    boolean json;

    @Option(names = "--devices-file", paramLabel = "FILE", description = "Extra boards from a JSON file (see 'tinyfit devices --help').")
    Path devicesFile;

    @Option(names = "--runtime", paramLabel = "NAME",
            description = "The software that runs the model, for its latency: tflm-cmsis-nn, tflm-ref, tflm-esp-nn, tinyfit-c, table, ... "
                    + "(default: tflm-cmsis-nn on Cortex-M cores with the DSP extension, tflm-esp-nn on ESP32, else tflm-ref). "
                    + "tinyfit-c analyzes the C project 'tinyfit export --c' generates: its flash and SRAM, not TFLite Micro's.")
    String runtime;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write a self-contained HTML report: resources against the board, the memory timeline, both arena layouts, the layers.")
    Path report;

    /** What --json prints. */
    record Report(String file, long fileBytes, Device device, String verdict, Cost cost) {}

    /** Exit code of --fail-if-not-fit when a verdict is DOES NOT FIT or CANNOT RUN. */
    static final int NOT_FIT = 2;

    @Override public Integer call() throws Exception {
        List<Device> boards = new ArrayList<>();
        for (String name : devices.split(",", -1)) boards.add(DevicesCommand.find(DevicesCommand.catalog(devicesFile), name));
        if (report != null) {
            Outputs.checkFile(report, "--report");
            Outputs.notSame(report, "--report", model, "the input model", "the report");
        }

        if (!Files.exists(model)) throw new NoSuchFileException(model.toString());
        long fileBytes = Files.size(model);
        Graph g = ModelReader.read(model);
        int[] offlinePlan = ModelReader.offlinePlan(model);
        boolean codegen = Runtimes.TINYFIT_C.equals(runtime);
        List<Report> reports = new ArrayList<>();
        for (Device d : boards) {
            Cost c;
            try {
                c = codegen ? Cost.codegen(g, d) : Cost.storedOrder(g, d, fileBytes, offlinePlan, runtime);
            } catch (DeviceException | CodegenException e) {
                throw new UserException(e.getMessage());
            }
            reports.add(new Report(model.toString(), fileBytes, d, c.verdict().sentence(), c));
        }
        if (report != null) {
            Outputs.write(report, org.tinyfit.report.ModelReport.analyzed(model.getFileName().toString(), g, boards, reports.stream().map(Report::cost).toList(), offlinePlan)
                    .html().getBytes(StandardCharsets.UTF_8));
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Object doc = reports.size() == 1 ? reports.get(0) : reports;
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else if (reports.size() == 1) {
            Cost c = reports.get(0).cost();
            Device d = reports.get(0).device();
            out.printf("%s (%,d B, %d ops) on %s%n", model.getFileName(), fileBytes, g.nodes().size(), d.summary());
            out.println(codegen ? "the C project 'tinyfit export --c' generates: in-place arena (partial execution, split order), flash and SRAM of its -Os image predicted"
                    : offlinePlan != null ? "stored operator order; arena from the model's offline plan (OfflineMemoryAllocation), the rest by TFLite Micro's greedy planner"
                    : "stored operator order; arena planned by TFLite Micro's greedy planner");
            out.println();
            CostText.table(out, c);
            out.println();
            if (codegen) CostText.codegenTotals(out, c, d);
            else CostText.totals(out, c, d);
            CostText.verdict(out, c);
        } else {
            out.printf("%s (%,d B, %d ops) on %d boards; stored operator order, TFLite Micro's greedy planner%n%n", model.getFileName(), fileBytes, g.nodes().size(), reports.size());
            CostText.boards(out, reports.stream().map(Report::cost).toList(), boards);
        }
        if (report != null) (json ? spec.commandLine().getErr() : out).println("report: " + report.toAbsolutePath().normalize());
        boolean bad = reports.stream().anyMatch(r -> !r.cost().verdict().deployable());
        return failIfNotFit && bad ? NOT_FIT : 0;
    }
}
