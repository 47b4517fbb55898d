package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;

class ConvQuantTest {
    @Property
    void requantizeIsTheRealRescaleWithinOneStepAndClamped(@ForAll @IntRange(min = -(1 << 22), max = 1 << 22) int acc,
                                                          @ForAll @FloatRange(min = 1e-3f, max = 0.1f) @Scale(6) float in,
                                                          @ForAll @FloatRange(min = 1e-4f, max = 0.05f) @Scale(6) float w,
                                                          @ForAll @FloatRange(min = 1e-2f, max = 1f) @Scale(6) float out,
                                                          @ForAll @IntRange(min = -128, max = 127) int outZp) {
        ConvQuant q = ConvQuant.of(3, ChannelMultipliers.perChannel(in, new float[] {w}, out, 1), out, outZp, Op.Act.NONE, DType.I8);
        assertEquals(-3, q.inputOffset());
        double real = acc * ((double) in * w / out) + outZp;
        int got = q.requantize(acc, 0);
        assertTrue(got >= -128 && got <= 127);
        double clamped = Math.max(-128, Math.min(127, real));
        assertTrue(Math.abs(got - clamped) <= 1.0, acc + " -> " + got + ", real " + real);
    }

    @Test
    void fusedReluClampsAtTheOutputZeroPoint() {
        ConvQuant q = ConvQuant.of(0, ChannelMultipliers.perChannel(0.5f, new float[] {0.5f}, 0.25f, 1), 0.25f, -20, Op.Act.RELU, DType.I8);
        assertEquals(-20, q.actMin());
        assertEquals(-20, q.requantize(-1000, 0));
        assertEquals(-20 + 10, q.requantize(10, 0));
        assertEquals(127, q.requantize(1000, 0));
        ConvQuant int16 = ConvQuant.of(0, ChannelMultipliers.perChannel(0.5f, new float[] {0.5f}, 0.25f, 1), 0.25f, 0, Op.Act.NONE, DType.I16);
        assertEquals(32767, int16.actMax());
    }

    private static Graph conv(Quantization filterQ) {
        GraphBuilder b = new GraphBuilder("q");
        int x = b.input("x", DType.I8, Quantization.perTensor(0.02f, -5), 1, 4, 4, 2);
        int f = b.constant("f", DType.I8, Shape.of(3, 1, 1, 2), filterQ, new byte[6]);
        int y = b.node(new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.NONE), "y", DType.I8, Quantization.perTensor(0.1f, 7), x, f);
        return b.output(y).build();
    }

    @Test
    void aConvNodeGivesOneMultiplierPerChannelAndItsOffsets() {
        Graph g = conv(new Quantization(new float[] {0.01f, 0.02f, 0.04f}, new long[3], 0));
        Node n = g.nodes().get(0);
        ConvQuant q = ConvQuant.conv(n, g.tensor(n.input(0)), g.tensor(n.input(1)), g.tensor(n.output(0)), Op.Act.NONE, 3);
        assertEquals(5, q.inputOffset());
        assertEquals(7, q.outputOffset());
        assertEquals(FixedPoint.quantizeMultiplier(0.02f * (double) 0.04f / 0.1f).multiplier(), q.multipliers()[2]);
        assertEquals(q.shifts()[0] + 1, q.shifts()[1]);
    }

    @Test
    void aPerChannelFilterWithTheWrongChannelCountNamesTheNode() {
        Graph g = conv(new Quantization(new float[] {0.01f, 0.02f}, new long[2], 0));
        Node n = g.nodes().get(0);
        GraphException e = assertThrows(GraphException.class,
                () -> ConvQuant.conv(n, g.tensor(n.input(0)), g.tensor(n.input(1)), g.tensor(n.output(0)), Op.Act.NONE, 3));
        assertTrue(e.getMessage().startsWith(n.label() + ": the filter has 2 per-channel scales"), e.getMessage());
    }
}
