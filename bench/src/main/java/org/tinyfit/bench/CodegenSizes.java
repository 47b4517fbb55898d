package org.tinyfit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.tinyfit.codegen.CProject;
import org.tinyfit.codegen.CToolchain;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteReader;

/**
 * The generated C projects of the int8 models in a directory, measured: arena against TFLite
 * Micro's, flash of the operator code and of the weights ({@code arm-none-eabi-size} of the
 * {@code -Os} Cortex-M4 objects), the whole test image, and instructions per inference on QEMU's
 * mps2-an386 under {@code -icount shift=0} (SysTick ticks times 40), for the in-place and the
 * TFLite Micro arena. Prints a Markdown table.
 *
 * <p>{@code bench/run main CodegenSizes ../shared/models}
 */
public final class CodegenSizes {
    private CodegenSizes() {}

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args.length > 0 ? args[0] : "../shared/models");
        Path work = Files.createTempDirectory("tinyfit-codegen-sizes");
        System.out.println("| model | TFLM arena (B) | C arena, in place (B) | operator code (B) | weights (B) | test image text / data / bss (B) | M4 instructions, in-place arena | M4 instructions, TFLM arena |");
        System.out.println("|---|---:|---:|---:|---:|---|---:|---:|");
        try (var files = Files.list(models)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".tflite")).sorted().toList()) {
                Graph g = TfliteReader.read(f);
                if (g.tensor(g.inputs()[0]).dtype() != DType.I8) continue;
                String name = f.getFileName().toString().replace(".tflite", "");
                byte[] input = Files.readAllBytes(models.resolve("golden").resolve(name + ".seed0.in"));
                long[] instructions = new long[2];
                CProject.Project inPlace = null;
                CToolchain.Size image = null;
                long code = 0, weights = 0;
                for (CProject.ArenaChoice choice : new CProject.ArenaChoice[] {CProject.ArenaChoice.INPLACE, CProject.ArenaChoice.TFLM}) {
                    CProject.Project p = CProject.generate(g, new CProject.Options(choice, "cortex-m4"));
                    Path dir = work.resolve(name + "-" + choice.lower());
                    p.writeTo(dir);
                    Path elf = CToolchain.buildArm(dir, "cortex-m4");
                    instructions[choice == CProject.ArenaChoice.INPLACE ? 0 : 1] =
                            CToolchain.runQemu(elf, "cortex-m4", input, true).systickTicks() * CToolchain.AN386_INSTRUCTIONS_PER_TICK;
                    if (choice == CProject.ArenaChoice.INPLACE) {
                        inPlace = p;
                        image = CToolchain.size(elf);
                        code = objectText(dir, "model.c");
                        weights = objectText(dir, "model_weights.c");
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d / %,d / %,d | %,d | %,d |%n", name, inPlace.tflmArenaBytes(), inPlace.arenaBytes(),
                        code, weights, image.text(), image.data(), image.bss(), instructions[0], instructions[1]);
            }
        }
    }

    /** Text + data of one source compiled alone as the Makefile compiles it for Cortex-M4. */
    private static long objectText(Path dir, String source) throws Exception {
        String object = source.replace(".c", ".o");
        Process p = new ProcessBuilder("arm-none-eabi-gcc", "-std=c99", "-Os", "-mcpu=cortex-m4", "-mthumb", "-ffunction-sections", "-fdata-sections",
                "-c", source, "-o", object).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException("compiling " + source + " failed");
        Process s = new ProcessBuilder("arm-none-eabi-size", "-B", object).directory(dir.toFile()).redirectErrorStream(true).start();
        String[] lines = new String(s.getInputStream().readAllBytes()).strip().split("\n");
        if (s.waitFor() != 0) throw new IllegalStateException("arm-none-eabi-size failed");
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        return Long.parseLong(f[0]) + Long.parseLong(f[1]);
    }
}
