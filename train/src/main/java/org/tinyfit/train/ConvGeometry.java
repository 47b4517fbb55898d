package org.tinyfit.train;

import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;

/**
 * The sizes of one 2-D convolution or pooling window over NHWC data: input H×W×C, kernel KH×KW,
 * output OH×OW×outC, strides, dilations and the padding before the first row and column.
 */
record ConvGeometry(int h, int w, int c, int kh, int kw, int outC, int oh, int ow,
                    int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft) {

    static ConvGeometry of(int h, int w, int c, int kh, int kw, int outC, int strideH, int strideW,
                           int dilationH, int dilationW, Op.Padding padding, String where) {
        int oh = ShapeInference.outSize(h, kh, strideH, dilationH, padding, where);
        int ow = ShapeInference.outSize(w, kw, strideW, dilationW, padding, where);
        return new ConvGeometry(h, w, c, kh, kw, outC, oh, ow, strideH, strideW, dilationH, dilationW,
                ShapeInference.padBefore(h, kh, strideH, dilationH, padding),
                ShapeInference.padBefore(w, kw, strideW, dilationW, padding));
    }

    int inPerSample() { return h * w * c; }

    int outPerSample() { return oh * ow * outC; }
}
