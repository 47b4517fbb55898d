package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;

/** The search's SRAM figure is the tensor_arena analyze reports, not head + tail. */
class FootprintTest {
    static final Device NANO = DeviceCatalog.builtin().find("arduino-nano-33-ble-sense");

    /** int8 dense layers in a chain: widths[0] inputs, then one FULLY_CONNECTED per further width. */
    static Graph dense(int... widths) {
        GraphBuilder b = new GraphBuilder("dense");
        Quantization q = Quantization.perTensor(0.05f, 0);
        int x = b.input("x", DType.I8, q, 1, widths[0]);
        for (int i = 1; i < widths.length; i++) {
            int w = b.constant("w" + i, DType.I8, Shape.of(widths[i], widths[i - 1]), q, new byte[widths[i] * widths[i - 1]]);
            int bias = b.constant("b" + i, DType.I32, Shape.of(widths[i]), Quantization.perTensor(0.0025f, 0), new byte[4 * widths[i]]);
            x = b.node(new Op.FullyConnected(Op.Act.NONE, false), "y" + i, DType.I8, q, x, w, bias);
        }
        return b.output(x).build();
    }

    @Test void aSmallModelNeedsTheArenaTfliteMicroPlansIn() {
        Graph g = dense(1, 16, 16, 1);
        Cost analyze = Cost.storedOrder(g, NANO, -1);
        assertTrue(analyze.tensorArenaBytes() > analyze.peakSramBytes(), "planning dominates for this model: " + analyze);
        Footprint f = Footprint.of(g, NANO, "tflm");
        // A chain has one order and its greedy plan is already the smallest: the figures are analyze's.
        assertEquals(analyze.tensorArenaBytes(), f.sramBytes());
        assertEquals(analyze.sramBytes(), f.storedOrderSramBytes());
    }

    /** With --runtime c a candidate is judged by the project tinyfit export --c writes, as analyze --runtime tinyfit-c prices it. */
    @Test void theGeneratedCIsJudgedByItsOwnImage() {
        Graph g = dense(2000, 64, 10);
        Cost c = Cost.codegen(g, NANO);
        Footprint f = Footprint.of(g, NANO, "c");
        assertEquals(c.peakSramBytes(), f.sramBytes(), "arena, column and buffers of the image");
        assertEquals(c.flashBytes(), f.flashBytes(), "weights, tables and code, not TFLite Micro's");
        assertEquals(c.latencyMicros() / 1000, f.latencyMillis(), 1e-9);
        assertTrue(f.flashBytes() < Footprint.of(g, NANO, "tflm").flashBytes(), "no interpreter: " + f);
        assertEquals(Cost.storedOrder(g, NANO, -1).sramBytes(), f.storedOrderSramBytes(), "what TFLite Micro needs without tinyfit");
    }

    @Test void theGeneratedCOnACoreItsProjectDoesNotBuildForIsAOneLineError() {
        Device esp32 = DeviceCatalog.builtin().devices().stream().filter(d -> d.core().display().startsWith("Xtensa")).findFirst().orElseThrow();
        SearchException e = org.junit.jupiter.api.Assertions.assertThrows(SearchException.class, () -> Limits.of(esp32, null, null, null, "c"));
        assertTrue(e.getMessage().startsWith("--runtime c on " + esp32.id() + ": the generated project's build targets Cortex-M cores"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        SearchException alias = org.junit.jupiter.api.Assertions.assertThrows(SearchException.class, () -> Limits.of(esp32, null, null, null, "tinyfit-c"));
        assertTrue(alias.getMessage().startsWith("--runtime tinyfit-c on " + esp32.id() + ": the generated project's build targets Cortex-M cores"), alias.getMessage());
        Limits.of(esp32, null, null, null, "tflm");
    }

    /** --runtime names a TFLite Micro kernel library for the latency; the memory stays TFLite Micro's. */
    @Test void aKernelLibraryChoosesTheLatencyNotTheMemory() {
        Graph g = dense(2000, 64, 10);
        Footprint tflm = Footprint.of(g, NANO, "tflm"), ref = Footprint.of(g, NANO, "tflm-ref"), cmsis = Footprint.of(g, NANO, "tflm-cmsis-nn");
        assertEquals(tflm.latencyMillis(), cmsis.latencyMillis(), 1e-9, "CMSIS-NN is the Cortex-M4's default");
        assertTrue(ref.latencyMillis() > 2 * cmsis.latencyMillis(), "reference kernels: " + ref + " against " + cmsis);
        assertEquals(tflm.sramBytes(), ref.sramBytes());
        assertEquals(tflm.flashBytes(), ref.flashBytes());
        assertEquals("c", new Limits(1024, 1024, 0, "tinyfit-c").runtime());
        SearchException e = org.junit.jupiter.api.Assertions.assertThrows(SearchException.class, () -> new Limits(1024, 1024, 0, "tflm-turbo"));
        assertTrue(e.getMessage().startsWith("--runtime tflm-turbo: use tflm") && e.getMessage().contains("tflm-ref"), e.getMessage());
        assertThrows(SearchException.class, () -> new Limits(1024, 1024, 0, "plumerai"), "another engine's latency with TFLite Micro's memory would mislead");
        SearchException esp = assertThrows(SearchException.class, () -> Limits.of(NANO, null, null, null, "tflm-esp-nn"));
        assertTrue(esp.getMessage().startsWith("--runtime tflm-esp-nn: arduino-nano-33-ble-sense has a Cortex-M4F"), esp.getMessage());
    }

    @Test void aLargerModelNeedsHeadPlusTail() {
        Graph g = dense(2000, 64, 10);
        Cost analyze = Cost.storedOrder(g, NANO, -1);
        assertEquals(analyze.peakSramBytes(), analyze.tensorArenaBytes(), "the planned activations dominate: " + analyze);
        assertEquals(analyze.tensorArenaBytes(), Footprint.of(g, NANO, "tflm").sramBytes());
    }
}
