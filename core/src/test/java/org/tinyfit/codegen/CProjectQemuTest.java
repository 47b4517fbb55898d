package org.tinyfit.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.graph.Graph;

/**
 * The generated C built with {@code arm-none-eabi-gcc -Os} for Cortex-M4 and Cortex-M7 (DSP
 * extension: the dot products use {@code __smlad}) runs under {@code qemu-system-arm} on
 * {@code mps2-an386} and {@code mps2-an500} and gives the Java runtime's output bytes for every
 * shared int8 model and its three golden inputs, in the default (in-place) arena; with {@code -icount
 * shift=0} the instruction count (SysTick) is the same run to run. Skipped, saying so, only when the
 * ARM toolchain or QEMU is absent.
 */
class CProjectQemuTest {
    @TempDir Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cortex-m4", "cortex-m7"})
    void sharedInt8ModelsGiveTheJavaRuntimesBytesOnEmulatedBoards(String cpu) {
        CodegenChecks.assumeTools("make", "arm-none-eabi-gcc", "arm-none-eabi-size", "qemu-system-arm");
        for (String name : CodegenChecks.INT8_MODELS) {
            Graph g = CodegenChecks.model(name);
            CProject.Project p = CProject.generate(g, new CProject.Options(CProject.ArenaChoice.INPLACE, cpu));
            Path dir = CodegenChecks.write(p, tmp.resolve(name));
            Path elf = CToolchain.buildArm(dir, cpu);
            CToolchain.Size size = CToolchain.size(elf);
            assertTrue(size.text() > p.weightBytes(), name + ": flash " + size + " holds the weights (" + p.weightBytes() + " B)");
            assertTrue(size.bss() >= p.arenaBytes() + p.columnBytes(), name + ": RAM " + size + " holds the arena (" + p.arenaBytes() + " B) and the im2col column ("
                    + p.columnBytes() + " B)");
            assertEquals(0, size.data(), name + ": nothing to copy from flash to RAM");
            for (int seed = 0; seed < 3; seed++) {
                byte[] in = CodegenChecks.goldenInput(name, seed);
                assertArrayEquals(CodegenChecks.javaRuntime(g, in), CToolchain.runQemu(elf, cpu, in, false).output(), name + " on " + cpu + " seed " + seed);
            }
            if (cpu.equals("cortex-m4") && name.equals("micro_speech_quantized")) {
                byte[] in = CodegenChecks.goldenInput(name, 0);
                CToolchain.QemuRun first = CToolchain.runQemu(elf, cpu, in, true), second = CToolchain.runQemu(elf, cpu, in, true);
                assertTrue(first.systickTicks() > 0, "SysTick counted the inference");
                assertEquals(first.systickTicks(), second.systickTicks(), "instruction counts under -icount are the same run to run");
                assertArrayEquals(first.output(), second.output());
            }
        }
    }

    /**
     * The Cortex-M4 kernels (the DSP path, which the host build does not compile) on graphs with
     * what the shared models lack: strides, dilations, SAME padding, odd channel and pixel counts,
     * depth multipliers, in-place convolutions; random inputs, compared with the Java runtime.
     */
    @org.junit.jupiter.api.Test
    void builtAndRandomInt8GraphsGiveTheJavaRuntimesBytesOnCortexM4() {
        CodegenChecks.assumeTools("make", "arm-none-eabi-gcc", "qemu-system-arm");
        java.util.List<Graph> graphs = new java.util.ArrayList<>();
        for (String name : new String[] {"ds_cnn_kws", "resnet8"}) graphs.add(org.tinyfit.quant.TinyMlModels.int8(name));
        for (long seed = 1; seed <= 8; seed++) graphs.add(Int8Graphs.random(seed));
        java.util.Random r = new java.util.Random(24);
        for (Graph g : graphs) {
            CProject.Project p = CProject.generate(g, CProject.Options.DEFAULT);
            Path elf = CToolchain.buildArm(CodegenChecks.write(p, tmp.resolve(g.name())), "cortex-m4");
            byte[] in = Int8Graphs.bytes(r, (int) g.tensor(g.inputs()[0]).bytes());
            assertArrayEquals(CodegenChecks.javaRuntime(g, in), CToolchain.runQemu(elf, "cortex-m4", in, false).output(), g.name());
        }
    }
}
