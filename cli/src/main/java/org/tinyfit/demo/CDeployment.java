package org.tinyfit.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tinyfit.codegen.CProject;
import org.tinyfit.codegen.CToolchain;
import org.tinyfit.data.Dataset;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.latency.Latency;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.TensorValues;
import org.tinyfit.search.SearchData;

/**
 * The demo's C project: generated for a Cortex-M4 in tinyfit's smallest arena, built with
 * arm-none-eabi-gcc and run on QEMU's emulated Cortex-M4 (mps2-an386) on one test sample, its
 * output compared byte for byte with the Java runtime's. Each step that cannot run here (no
 * toolchain, no QEMU, an operator the generator lacks) is said, not skipped silently.
 *
 * @param note            what was done, or why not
 * @param arenaBytes      the C project's static arena (-1 when not generated)
 * @param flashBytes      text + data of the Cortex-M4 image (-1 when not built)
 * @param instructions    instructions of one inference on the emulated Cortex-M4 (-1 when not run)
 * @param predictedInstructions what the latency model of the generated C ({@code analyze --runtime
 *                        tinyfit-c}) gives for them, on a model it was not fitted to (-1 when not generated)
 * @param matchesJava     whether QEMU's output bytes equal the Java runtime's (null when not run)
 */
public record CDeployment(Path dir, String note, long arenaBytes, long flashBytes, long instructions, long predictedInstructions, Boolean matchesJava) {
    static final String CPU = "cortex-m4";

    static CDeployment run(Graph int8, SearchData data, Path dir, Demo.Stages stages) throws IOException {
        stages.start("c", "a C project in tinyfit's smallest arena, run on an emulated Cortex-M4");
        CProject.Project p;
        try {
            p = CProject.generate(int8, new CProject.Options(CProject.ArenaChoice.INPLACE, CPU));
        } catch (GraphException e) {
            CDeployment c = new CDeployment(dir, "not generated: " + e.getMessage(), -1, -1, -1, -1, null);
            stages.end("c", c.note());
            return c;
        }
        p.writeTo(dir);
        long predicted = Math.round(Latency.builtinFit().generatedCInstructions(p.layout().graph(), CPU));
        List<String> missing = CToolchain.missing("make", "arm-none-eabi-gcc", "qemu-system-arm");
        if (!missing.isEmpty()) {
            CDeployment c = new CDeployment(dir, String.format(Locale.ROOT, "generated in %s (arena %,d B); not built or run: %s not installed "
                    + "(Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)", dir, p.arenaBytes(), String.join(", ", missing)),
                    p.arenaBytes(), -1, -1, predicted, null);
            stages.end("c", c.note());
            return c;
        }
        Path elf = CToolchain.buildArm(dir, CPU);
        CToolchain.Size size = CToolchain.size(elf);
        byte[] input = firstSample(int8, data);
        CToolchain.QemuRun run = CToolchain.runQemu(elf, CPU, input, true);
        Schedule s = Schedule.stored(int8);
        byte[] java = new Interpreter(int8, s, new TflmGreedyPlanner().plan(int8, s)).run(new byte[][] {input})[0];
        boolean same = Arrays.equals(java, run.output());
        long instructions = run.systickTicks() * CToolchain.AN386_INSTRUCTIONS_PER_TICK;
        CDeployment c = new CDeployment(dir, String.format(Locale.ROOT, "%s: arena %,d B, image %,d B flash; on the emulated Cortex-M4: %,d instructions "
                + "per inference (the latency model said %,d, %+.0f%%), output %s the Java runtime's", dir, p.arenaBytes(), size.flashBytes(), instructions,
                predicted, 100.0 * (predicted - instructions) / instructions, same ? "equal to" : "DIFFERENT from"),
                p.arenaBytes(), size.flashBytes(), instructions, predicted, same);
        stages.end("c", c.note());
        return c;
    }

    /** The first test sample (validation if there is no test part), as stored, quantized as the model's input. */
    private static byte[] firstSample(Graph int8, SearchData data) {
        Dataset part = data.test() != null ? data.test() : data.validation();
        float[] x = new float[part.sampleLength()];
        part.copySample(0, x, 0);
        double[] v = new double[x.length];
        for (int i = 0; i < x.length; i++) v[i] = x[i];
        Tensor in = int8.tensor(int8.inputs()[0]);
        return TensorValues.fromReal(in, v, "the demo's input");
    }
}
