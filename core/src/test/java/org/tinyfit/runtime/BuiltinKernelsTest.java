package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;
import org.tinyfit.runtime.kernels.BinaryKernel;
import org.tinyfit.runtime.kernels.Conv2DKernel;
import org.tinyfit.runtime.kernels.DepthwiseConv2DKernel;
import org.tinyfit.runtime.kernels.FullyConnectedKernel;
import org.tinyfit.runtime.kernels.fast.FastBinary;
import org.tinyfit.runtime.kernels.fast.FastConv;
import org.tinyfit.runtime.kernels.fast.FastDepthwiseConv;
import org.tinyfit.runtime.kernels.fast.FastFullyConnected;

class BuiltinKernelsTest {
    private static final Op.Conv2D CONV = new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE);
    private static final Op.DepthwiseConv2D DEPTHWISE = new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1, 1, 1, Op.Act.NONE);
    private static final Op.FullyConnected FC = new Op.FullyConnected(Op.Act.NONE, false);

    @Test
    void fastKernelsAreChosenOnlyWhenAskedFor() {
        assertInstanceOf(FastConv.class, BuiltinKernels.forOp(CONV, true));
        assertInstanceOf(FastDepthwiseConv.class, BuiltinKernels.forOp(DEPTHWISE, true));
        assertInstanceOf(FastFullyConnected.class, BuiltinKernels.forOp(FC, true));
        assertInstanceOf(FastBinary.class, BuiltinKernels.forOp(new Op.Add(Op.Act.NONE), true));
        assertInstanceOf(Conv2DKernel.class, BuiltinKernels.forOp(CONV, false));
        assertInstanceOf(DepthwiseConv2DKernel.class, BuiltinKernels.forOp(DEPTHWISE, false));
        assertInstanceOf(FullyConnectedKernel.class, BuiltinKernels.forOp(FC, false));
        assertInstanceOf(BinaryKernel.class, BuiltinKernels.forOp(new Op.Mul(Op.Act.NONE), false));
    }

    @Test
    void anInPlaceDepthwiseRunsTheReferenceThatKnowsHowToWorkInPlace() {
        assertInstanceOf(DepthwiseConv2DKernel.class, BuiltinKernels.forOp(DEPTHWISE, true, true));
    }
}
