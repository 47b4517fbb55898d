package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.tflite.TfliteReader;

class TflmTailTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");

    /** size/alignment of every allocation after the arena allocator's own, in order. */
    static String sequence(TflmTail.Result r) {
        return r.allocations().stream().skip(1).map(a -> a.bytes() + "/" + a.alignment()).collect(Collectors.joining(" "));
    }

    /**
     * The allocations TFLite Micro made, printed by the harness of docs/bench-tflm-check.md
     * ({@code tflm_check MODEL --no-invoke --tail-trace}, 64-bit host, reference kernels, TFLM 90b983c):
     * every {@code tail SIZE ALIGNMENT ...} line in order, after the arena allocator's own object.
     */
    @Test
    void allocationsAreTflmsInOrderOnTheHost() {
        Graph speech = TfliteReader.read(MODELS.resolve("micro_speech_quantized.tflite"));
        assertEquals("72/8 72/8 16/8 16/8 240/8 256/8 36/4 28/4 16/4 4/4 72/16 64/16 80/16 32/16 32/16 8/16 64/8 24/8 8/4 8/16 64/8 24/8 8/4",
                sequence(TflmTail.of(speech, TflmAbi.HOST_64)));
        Graph keyword = TfliteReader.read(MODELS.resolve("keyword_scrambled_8bit.tflite"));
        assertEquals("72/8 72/8 16/8 16/8 1296/8 960/8 12/4 16/4 12/4 16/4 12/4 16/4 12/4 16/4 12/4 12/4 12/4 16/4 4/4 32/16 36/16 64/16 36/16 "
                + "64/16 36/16 64/16 36/16 64/16 36/16 36/16 36/16 64/16 80/16 32/16 112/8 512/16 512/16 512/16 512/16 1024/16 1024/16 1024/16 "
                + "8/16 64/8 24/8 8/4 8/16 64/8 24/8 8/4", sequence(TflmTail.of(keyword, TflmAbi.HOST_64)));
    }

    @Test
    void paddingFollowsEachAllocationsAlignment() {
        Graph speech = TfliteReader.read(MODELS.resolve("micro_speech_quantized.tflite"));
        TflmTail.Result r = TflmTail.of(speech, TflmAbi.HOST_64);
        long end = 0;
        for (TflmTail.Allocation a : r.allocations()) {
            long next = end + a.growth();
            assertEquals(0, next % a.alignment(), a.what());
            assertTrue(a.growth() >= a.bytes() && a.growth() < a.bytes() + a.alignment(), a.what());
            end = next;
        }
        assertEquals(end, r.bytes());
        assertEquals(1344, r.bytes());
    }

    static Graph chain(int layers, int channels, boolean perChannel) {
        GraphBuilder b = new GraphBuilder("chain");
        Quantization q = Quantization.perTensor(0.05f, -128);
        int x = b.input("x", DType.I8, q, 1, 8, 8, channels);
        for (int i = 0; i < layers; i++) {
            float[] scales = new float[perChannel ? channels : 1];
            java.util.Arrays.fill(scales, 0.01f);
            Quantization wq = new Quantization(scales, new long[scales.length], 0);
            int w = b.constant("w" + i, DType.I8, Shape.of(channels, 1, 1, channels), wq, new byte[channels * channels]);
            x = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "conv" + i, DType.I8, q, x, w);
        }
        return b.output(x).build();
    }

    @Property(tries = 30)
    void aPointerWideHostNeedsAtLeastTheThirtyTwoBitTails(@ForAll @IntRange(min = 1, max = 6) int layers, @ForAll @IntRange(min = 1, max = 40) int channels) {
        Graph g = chain(layers, channels, channels % 2 == 0);
        TflmTail.Result host = TflmTail.of(g, TflmAbi.HOST_64);
        assertTrue(host.exact());
        assertTrue(host.bytes() >= TflmTail.of(g, TflmAbi.ILP32).bytes());
        assertTrue(TflmTail.of(g, TflmAbi.ILP32).bytes() >= TflmTail.of(g, TflmAbi.CORTEX_M).bytes());
    }

    @Property(tries = 30)
    void eachConvolutionKeepsAMultiplierAndAShiftPerOutputChannel(@ForAll @IntRange(min = 1, max = 64) int channels) {
        Graph g = chain(1, channels, false);
        List<TflmTail.Allocation> buffers = TflmTail.of(g, TflmAbi.CORTEX_M).allocations().stream()
                .filter(a -> a.what().endsWith("persistent buffer")).toList();
        assertEquals(2, buffers.size());
        for (TflmTail.Allocation a : buffers) assertEquals(4L * channels, a.bytes());
    }

    @Test
    void aKernelTfliteMicroDoesNotHaveMakesTheFigureAnEstimate() {
        GraphBuilder b = new GraphBuilder("bn");
        int x = b.input("x", DType.F32, 1, 4, 4, 2);
        int[] stats = new int[4];
        for (int i = 0; i < 4; i++) stats[i] = b.constant("s" + i, DType.F32, Shape.of(2), new byte[8]);
        int y = b.node(new Op.BatchNorm(1e-3f, 0.9f), "bn", x, stats[0], stats[1], stats[2], stats[3]);
        TflmTail.Result r = TflmTail.of(b.output(y).build(), TflmAbi.CORTEX_M);
        assertFalse(r.exact());
        assertEquals(List.of("BATCH_NORM"), r.unmodelled());
    }
}
