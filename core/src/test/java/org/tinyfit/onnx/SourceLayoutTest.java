package org.tinyfit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Graph;
import org.tinyfit.io.SourceLayout;

/** A model's inputs and outputs in its own file's layout: an ONNX image NCHW, held NHWC. */
class SourceLayoutTest {
    @Test
    void anOnnxImageInputIsNchwInTheFileAndNhwcHeld() {
        Graph g = OnnxReader.read(OnnxModels.smallCnn(5).toByteArray(), "cnn.onnx");
        int in = g.inputs()[0];
        assertArrayEquals(new int[] {1, 3, 12, 10}, SourceLayout.dims(g, in));
        assertArrayEquals(new int[] {1, 12, 10, 3}, g.tensor(in).shape().dims());
        assertEquals("NCHW", SourceLayout.name(g, in));
        assertEquals(null, SourceLayout.name(g, g.outputs()[0]));
    }

    @Test
    void bytesMoveLikeValuesAndBack() {
        Graph g = OnnxReader.read(OnnxModels.smallCnn(5).toByteArray(), "cnn.onnx");
        int in = g.inputs()[0];
        SplittableRandom r = new SplittableRandom(3);
        double[] v = new double[3 * 12 * 10];
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) { v[i] = (float) r.nextDouble(); b.putFloat((float) v[i]); }
        double[] held = SourceLayout.toHeld(g, in, v);
        byte[] heldBytes = SourceLayout.toHeld(g, in, b.array());
        ByteBuffer hb = ByteBuffer.wrap(heldBytes).order(ByteOrder.LITTLE_ENDIAN);
        // NHWC element (y, x, c) is NCHW element (c, y, x)
        assertEquals(v[(2 * 12 + 5) * 10 + 7], held[(5 * 10 + 7) * 3 + 2]);
        for (int i = 0; i < held.length; i++) assertEquals(held[i], hb.getFloat(4 * i), "element " + i);
        assertArrayEquals(b.array(), SourceLayout.toFile(g, in, heldBytes));
    }
}
