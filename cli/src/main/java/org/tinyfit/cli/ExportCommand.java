package org.tinyfit.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tinyfit.codegen.CProject;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Graph;
import org.tinyfit.io.ModelReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes an int8 model as a C project for Cortex-M: weights in flash, one static arena, per-layer int8 kernels. */
@Command(name = "export", mixinStandardHelpOptions = true,
        header = "Writes an int8 model as a C project (static arena, no interpreter).",
        description = {"Generates a C99 project that computes an int8 .tflite model bit-exact with",
            "tinyfit's runtime (and TFLite Micro): weights as const arrays, one static arena",
            "laid out by tinyfit's planner, one function per operator with its shapes and",
            "quantization constants, model_invoke() with one buffer per input and output. No",
            "heap, no floating point, no libc but memcpy/memset; __smlad dot products on",
            "cores with the DSP extension. The project has a Makefile (host and Cortex-M",
            "builds, QEMU runs) and a README. What is generated: docs/export.md.",
            ""},
        footer = {"", "Example: tinyfit export person_detect.tflite --c pd/ --device nucleo-f446re"})
final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The int8 .tflite model.")
    Path model;

    @Option(names = "--c", required = true, paramLabel = "DIR", description = "Directory to write the C project to (created if missing).")
    Path dir;

    @Option(names = {"-d", "--device"}, paramLabel = "NAME",
            description = "The board ('tinyfit devices'): sets the Makefile's -mcpu and checks arena and weights against its SRAM and flash.")
    String device;

    @Option(names = "--devices-file", paramLabel = "FILE", description = "Extra boards from a JSON file (see 'tinyfit devices --help').")
    Path devicesFile;

    @Option(names = "--arena", paramLabel = "PLAN", defaultValue = "inplace",
            description = "How the arena is laid out: inplace (partial execution and in-place operators, the smallest; default),"
                    + " best (operator reordering, best plan), tflm (TFLite Micro's own plan).")
    String arena;

    @Override public Integer call() throws Exception {
        CProject.ArenaChoice choice = switch (arena.toLowerCase(Locale.ROOT)) {
            case "inplace" -> CProject.ArenaChoice.INPLACE;
            case "best" -> CProject.ArenaChoice.BEST;
            case "tflm" -> CProject.ArenaChoice.TFLM;
            default -> throw new UserException("--arena " + arena + " is not a plan; use inplace, best or tflm");
        };
        Device d = device == null ? null : DevicesCommand.find(DevicesCommand.catalog(devicesFile), device);
        if (!Files.exists(model)) throw new NoSuchFileException(model.toString());
        Outputs.checkDirectory(dir, "--c");
        Graph g = ModelReader.read(model);
        String cpu = d == null ? CProject.Options.DEFAULT.cpu() : CProject.cpu(d.core());
        CProject.Project p = CProject.generate(g, new CProject.Options(choice, cpu));
        p.writeTo(dir);
        var out = spec.commandLine().getOut();
        out.printf("%s -> %s (%d files)%n", model.getFileName(), dir, p.files().size());
        out.printf("  arena    %,9d B  (%s; TFLite Micro plans %,d B), plus a %,d B im2col column%n", p.arenaBytes(), p.layout().plan().planner(),
                p.tflmArenaBytes(), p.columnBytes());
        out.printf("  weights  %,9d B  in flash, plus the code%n", p.weightBytes());
        out.printf("  kernels  %s (-mcpu=%s)%n", p.layout().graph().nodes().size() + " operator functions", cpu);
        if (d != null) {
            out.printf("  %s: arena %s its %,d B of SRAM; weights %s its %,d B of flash%n", d.name(),
                    p.arenaBytes() + p.columnBytes() <= d.sramBytes() ? "fits" : "DOES NOT FIT", d.sramBytes(),
                    p.weightBytes() <= d.flashBytes() ? "fit" : "DO NOT FIT", d.flashBytes());
        }
        out.println("  build    make -C " + dir + " host   |   make -C " + dir + " arm size CPU=" + cpu);
        return 0;
    }
}
