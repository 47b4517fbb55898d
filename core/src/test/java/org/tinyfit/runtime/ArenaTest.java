package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.ArenaPlan;

class ArenaTest {
    private static Graph twoTensors() {
        GraphBuilder b = new GraphBuilder("g");
        int x = b.input("x", DType.F32, 1, 4);
        int c = b.constant("c", DType.F32, Shape.of(1, 4), new byte[16]);
        int y = b.node(new Op.Add(Op.Act.NONE), "y", x, c);
        return b.output(y).build();
    }

    @Test
    void tensorsLiveAtTheirPlannedOffsets() {
        Graph g = twoTensors();
        Arena a = new Arena(g, new ArenaPlan(new long[] {8, -1, 24}, 40, "test"));
        a.setF32(0, 0, 1.5f);
        a.setI32(2, 3, 0x01020304);
        assertEquals(1.5f, Float.intBitsToFloat((a.bytes()[8] & 0xff) | (a.bytes()[9] & 0xff) << 8 | (a.bytes()[10] & 0xff) << 16 | (a.bytes()[11] & 0xff) << 24));
        assertEquals(0x04, a.bytes()[24 + 12]);
        assertEquals(0x01, a.bytes()[24 + 15]);
        assertEquals(40, a.bytes().length);
    }

    @Test
    void accessorsStayInsideTheTensor() {
        Arena a = new Arena(twoTensors(), new ArenaPlan(new long[] {0, -1, 16}, 32, "test"));
        assertThrows(IndexOutOfBoundsException.class, () -> a.setF32(0, 4, 1f));
        assertThrows(IndexOutOfBoundsException.class, () -> a.f32(2, -1));
    }

    @Test
    void constantsAreReadOnly() {
        Arena a = new Arena(twoTensors(), new ArenaPlan(new long[] {0, -1, 16}, 32, "test"));
        assertEquals(0f, a.f32(1, 3));
        GraphException e = assertThrows(GraphException.class, () -> a.setF32(1, 0, 1f));
        assertTrue(e.getMessage().contains("constant"), e.getMessage());
    }

    @Test
    void aPlanThatOverrunsTheArenaIsRejected() {
        GraphException e = assertThrows(GraphException.class, () -> new Arena(twoTensors(), new ArenaPlan(new long[] {0, -1, 20}, 32, "bad")));
        assertTrue(e.getMessage().contains("tensor 2"), e.getMessage());
    }

    @Test
    void readAndWriteCopyWholeTensors() {
        Arena a = new Arena(twoTensors(), new ArenaPlan(new long[] {0, -1, 16}, 32, "test"));
        byte[] data = new byte[16];
        for (int i = 0; i < 16; i++) data[i] = (byte) i;
        a.write(0, data);
        assertArrayEquals(data, a.read(0));
        assertThrows(GraphException.class, () -> a.write(0, new byte[3]));
    }
}
