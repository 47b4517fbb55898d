package org.tinyfit.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;

/** Converts a float constant tensor's little-endian bytes to a {@code float[]} and back. */
public final class FloatData {
    private FloatData() {}

    public static float[] of(Tensor t) {
        if (!t.isConstant() || t.dtype() != DType.F32) {
            throw new GraphException("tensor " + t.id() + " (" + t.name() + ") is " + (t.isConstant() ? t.dtype().lower() : "not a constant") + ", expected a float32 constant");
        }
        float[] v = new float[t.shape().elements()];
        ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    public static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
