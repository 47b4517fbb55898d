package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;

class Int16KernelsTest {

    private static Graph add(DType type) {
        Quantization q = Quantization.perTensor(1f, 0);
        List<Tensor> ts = List.of(
                Tensor.activation(0, "a", type, Shape.of(1, 3), q),
                Tensor.activation(1, "b", type, Shape.of(1, 3), q),
                Tensor.activation(2, "sum", type, Shape.of(1, 3), q));
        return new Graph("add", ts, List.of(new Node(0, new Op.Add(Op.Act.NONE), new int[] {0, 1}, new int[] {2})),
                new int[] {0, 1}, new int[] {2});
    }

    @Test
    void handlesInt16AddButNotInt8Add() {
        assertTrue(Int16Kernels.handles(add(DType.I16).node(0), add(DType.I16)));
        assertFalse(Int16Kernels.handles(add(DType.I8).node(0), add(DType.I8)));
    }

    @Test
    void preparedAddReadsAndWritesLittleEndianTensors() {
        Graph g = add(DType.I16);
        ByteBuffer[] buffers = new ByteBuffer[3];
        for (int i = 0; i < 3; i++) buffers[i] = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        buffers[0].putShort(0, (short) 1000).putShort(2, (short) -2).putShort(4, (short) 30000);
        buffers[1].putShort(0, (short) 234).putShort(2, (short) -5).putShort(4, (short) 30000);
        Int16Kernels.prepare(g.node(0), g).invoke(t -> buffers[t]);
        short[] out = {buffers[2].getShort(0), buffers[2].getShort(2), buffers[2].getShort(4)};
        assertArrayEquals(new short[] {1234, -7, 32767}, out);
    }

    @Test
    void prepareNamesTheNodeWhenAnInputLacksQuantization() {
        List<Tensor> ts = List.of(
                Tensor.activation(0, "a", DType.I16, Shape.of(4), null),
                Tensor.activation(1, "out", DType.I16, Shape.of(4), Quantization.perTensor(1f, 0)));
        Graph g = new Graph("relu", ts, List.of(new Node(0, new Op.LeakyRelu(0.1f), new int[] {0}, new int[] {1})),
                new int[] {0}, new int[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Int16Kernels.prepare(g.node(0), g));
        assertTrue(e.getMessage().startsWith("node 0 (LEAKY_RELU): tensor 0 (a) has no quantization"), e.getMessage());
    }

    @Test
    void prepareRejectsANodeItDoesNotHandle() {
        Graph g = add(DType.I8);
        assertThrows(IllegalArgumentException.class, () -> Int16Kernels.prepare(g.node(0), g));
    }
}
