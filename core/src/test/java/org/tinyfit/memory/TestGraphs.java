package org.tinyfit.memory;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;

/** Small graphs shaped like the shared models, built in code. */
final class TestGraphs {
    private TestGraphs() { }

    static int fc(GraphBuilder b, int x, int in, int out, DType dtype) {
        int w = b.constant("w" + x, dtype, Shape.of(out, in), new byte[out * in * dtype.bytes()]);
        return b.node(new Op.FullyConnected(Op.Act.RELU, false), "fc" + x, x, w, -1);
    }

    /** Three fully connected layers 1 -> 16 -> 16 -> 1, like hello_world. */
    static Graph helloWorld(DType dtype) {
        GraphBuilder b = new GraphBuilder("hello");
        int x = b.input("x", dtype, 1, 1);
        int h1 = fc(b, x, 1, 16, dtype);
        int h2 = fc(b, h1, 16, 16, dtype);
        int y = fc(b, h2, 16, 1, dtype);
        return b.output(y).build();
    }

    /** QUANTIZE int16 [1,96] to int8, then one int8 SVDF with 64 filters of rank 1 and memory 8, like keyword_scrambled. */
    static Graph svdfHead() {
        GraphBuilder b = new GraphBuilder("svdf");
        int x = b.input("x", DType.I16, 1, 96);
        int q = b.nodeWithShape(new Op.Quantize(), "q", DType.I8, Shape.of(1, 96), null, x);
        int wf = b.constant("wf", DType.I8, Shape.of(64, 96), new byte[64 * 96]);
        int wt = b.constant("wt", DType.I8, Shape.of(64, 8), new byte[64 * 8]);
        int bias = b.constant("bias", DType.I32, Shape.of(64), new byte[64 * 4]);
        int state = b.tensor(new Tensor(0, "state", DType.I8, Shape.of(1, 512), null, null, true));
        int s = b.nodeWithShape(new Op.Svdf(1, Op.Act.RELU), "svdf", DType.I8, Shape.of(1, 64), null, q, wf, wt, bias, state);
        return b.output(s).build();
    }

    /** One ADD of two int8 [1,128,128,1] inputs, like simple_add_model. */
    static Graph simpleAdd() {
        GraphBuilder b = new GraphBuilder("add");
        int x = b.input("x", DType.I8, 1, 128, 128, 1);
        int y = b.input("y", DType.I8, 1, 128, 128, 1);
        return b.output(b.node(new Op.Add(Op.Act.NONE), "sum", x, y)).build();
    }
}
