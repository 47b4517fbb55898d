package org.tinyfit.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TensorBytesTest {
    @Property
    void everyIntegerTypeRoundTripsItsRange(@ForAll long seed) {
        Random r = new Random(seed);
        for (DType type : new DType[] {DType.I8, DType.U8, DType.I16, DType.I32, DType.I64}) {
            int n = 1 + r.nextInt(9);
            long lo = switch (type) { case I8 -> -128; case U8 -> 0; case I16 -> -32768; case I32 -> Integer.MIN_VALUE; default -> -(1L << 52); };
            long hi = switch (type) { case I8 -> 127; case U8 -> 255; case I16 -> 32767; case I32 -> Integer.MAX_VALUE; default -> 1L << 52; };
            long[] v = new long[n];
            ByteBuffer b = TensorBytes.le(new byte[n * type.bytes()]);
            for (int i = 0; i < n; i++) {
                v[i] = lo + (long) (r.nextDouble() * (hi - lo + 1));
                TensorBytes.put(b, type, i, v[i]);
            }
            assertArrayEquals(v, TensorBytes.longs(b, type, n), type.toString());
            for (int i = 0; i < n; i++) assertEquals((double) v[i], TensorBytes.get(b, type, i), type + " element " + i);
            if (type != DType.I64) {
                int[] ints = TensorBytes.ints(b, type, n);
                ByteBuffer again = TensorBytes.le(new byte[n * type.bytes()]);
                TensorBytes.putInts(again, type, ints);
                assertArrayEquals(b.array(), again.array(), type.toString());
            }
        }
    }

    @Property
    void floatsRoundTripBitForBit(@ForAll float[] v) {
        byte[] bytes = TensorBytes.ofFloats(v);
        assertEquals(4 * v.length, bytes.length);
        float[] back = TensorBytes.floats(TensorBytes.le(bytes), v.length);
        for (int i = 0; i < v.length; i++) assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]));
    }

    @Property
    void int32BytesAreLittleEndian(@ForAll int x) {
        byte[] b = TensorBytes.ofInts(new int[] {x});
        assertEquals(x, (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24);
    }

    @Test
    void aFloatConstantIsReadAndAnythingElseIsNamed() {
        GraphBuilder gb = new GraphBuilder("t");
        int f = gb.constant("w", DType.F32, Shape.of(2), TensorBytes.ofFloats(new float[] {1.5f, -2f}));
        int i = gb.constant("k", DType.I64, Shape.of(2), TensorBytes.ofInts(new int[] {7, 0, -3, -1}));
        Tensor floats = gb.tensorAt(f), longs = gb.tensorAt(i);
        assertArrayEquals(new float[] {1.5f, -2f}, TensorBytes.floats(floats));
        assertArrayEquals(new int[] {7, -3}, TensorBytes.exactInts(longs));
        GraphException e = assertThrows(GraphException.class, () -> TensorBytes.floats(longs));
        assertEquals("tensor " + i + " (k) is i64, expected a float32 constant", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorBytes.exactInts(floats));
    }

    @Test
    void boolAndUint8ReadUnsigned() {
        ByteBuffer b = TensorBytes.le(new byte[] {(byte) 0xff, 2});
        assertEquals(255.0, TensorBytes.get(b, DType.U8, 0));
        assertEquals(255.0, TensorBytes.get(b, DType.BOOL, 0));
        assertArrayEquals(new int[] {1, 1}, TensorBytes.ints(b, DType.BOOL, 2));
        assertArrayEquals(new byte[] {(byte) 0xff, 2}, TensorBytes.bytes(b, 2));
    }
}
