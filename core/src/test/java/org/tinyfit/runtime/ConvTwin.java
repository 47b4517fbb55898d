package org.tinyfit.runtime;

import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.Schedule;

/**
 * The same weighted op as a float graph and as an int8 graph (per-channel int8 weights, int32 bias),
 * where the float graph uses exactly the values the int8 one represents.
 */
record ConvTwin(Graph floatGraph, Graph int8Graph, float[] realInput, byte[] int8Input, float outScale, int outZp) {
    static final float IN_SCALE = 0.04f;
    static final int IN_ZP = -6;

    static ConvTwin make(Op op, Random r) {
        int[] inShape, wShape;
        int outChannels, axis;
        switch (op) {
            case Op.Conv2D c -> { inShape = new int[] {1, 7, 6, 4}; wShape = new int[] {5, 3, 3, 4}; outChannels = 5; axis = 0; }
            case Op.DepthwiseConv2D d -> { inShape = new int[] {1, 7, 6, 3}; wShape = new int[] {1, 3, 3, 6}; outChannels = 6; axis = 3; }
            case Op.TransposeConv t -> { inShape = new int[] {1, 4, 3, 4}; wShape = new int[] {5, 3, 3, 4}; outChannels = 5; axis = 0; }
            case Op.FullyConnected f -> { inShape = new int[] {2, 12}; wShape = new int[] {5, 12}; outChannels = 5; axis = 0; }
            default -> throw new IllegalArgumentException(op.toString());
        }
        int inN = Shape.of(inShape).elements(), wN = Shape.of(wShape).elements();
        byte[] qIn = new byte[inN];
        r.nextBytes(qIn);
        float[] realIn = Int8KernelsTest.dequantize(qIn, IN_SCALE, IN_ZP);
        float[] wScales = new float[outChannels];
        for (int c = 0; c < outChannels; c++) wScales[c] = 0.005f + 0.01f * r.nextFloat();
        byte[] qW = new byte[wN];
        for (int i = 0; i < wN; i++) qW[i] = (byte) (r.nextInt(255) - 127);
        float[] realW = new float[wN];
        int inner = wN / (axis == 0 ? wShape[0] : 1);
        for (int i = 0; i < wN; i++) realW[i] = qW[i] * wScales[axis == 0 ? i / inner : i % outChannels];
        int[] qB = new int[outChannels];
        float[] realB = new float[outChannels];
        for (int c = 0; c < outChannels; c++) {
            qB[c] = r.nextInt(2001) - 1000;
            realB[c] = (float) (qB[c] * ((double) IN_SCALE * wScales[c]));
        }
        Graph f = build(op, inShape, wShape, DType.F32, null, Bytes.f32(realW), null, Bytes.f32(realB), null);
        float[] out = Bytes.toF32(new Interpreter(f, Schedule.stored(f), TestPlans.separate(f, 0)).run(new byte[][] {Bytes.f32(realIn)})[0]);
        float min = 0, max = 0;
        for (float v : out) { min = Math.min(min, v); max = Math.max(max, v); }
        float outScale = (max - min) / 255f;
        int outZp = Math.round(-128 - min / outScale);
        long[] zeros = new long[outChannels];
        Graph q = build(op, inShape, wShape, DType.I8, Quantization.perTensor(IN_SCALE, IN_ZP), qW,
                new Quantization(wScales, zeros, axis), Bytes.i32(qB), Quantization.perTensor(outScale, outZp));
        return new ConvTwin(f, q, realIn, qIn, outScale, outZp);
    }

    private static Graph build(Op op, int[] inShape, int[] wShape, DType dt, Quantization inQ, byte[] w, Quantization wQ, byte[] bias, Quantization outQ) {
        GraphBuilder b = new GraphBuilder(op.kind());
        int x = b.input("x", dt, inQ, inShape);
        int wt = b.constant("w", dt, Shape.of(wShape), wQ, w);
        int bt = b.constant("b", dt == DType.F32 ? DType.F32 : DType.I32, Shape.of(wShape[op instanceof Op.DepthwiseConv2D ? 3 : 0]), bias);
        int y;
        if (op instanceof Op.TransposeConv) {
            int shape = b.constant("shape", DType.I32, Shape.of(4), Bytes.i32(1, 8, 6, 5));
            y = b.nodeWithShape(op, "y", dt, Shape.of(1, 8, 6, 5), outQ, shape, wt, x, bt);
        } else {
            y = b.node(op, "y", dt, outQ, x, wt, bt);
        }
        return b.output(y).build();
    }
}
