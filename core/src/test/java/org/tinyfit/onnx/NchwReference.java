package org.tinyfit.onnx;

import java.util.HashMap;
import java.util.Map;
import org.tinyfit.onnx.proto.OnnxProto.ModelProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorProto;

/**
 * The small CNN of {@link OnnxModels#smallCnn} computed directly in NCHW with plain loops, as ONNX
 * defines each op (in double, rounded to float after each layer): the reference the import is checked against.
 */
final class NchwReference {
    private NchwReference() {}

    record T(int c, int h, int w, double[] v) {
        double at(int ci, int y, int x) { return v[(ci * h + y) * w + x]; }
    }

    static float[] smallCnn(ModelProto m, float[] x) {
        Map<String, double[]> p = new HashMap<>();
        for (TensorProto t : m.getGraph().getInitializerList()) p.put(t.getName(), OnnxTensors.decode(t, t.getName()).values());
        double[] xv = new double[x.length];
        for (int i = 0; i < x.length; i++) xv[i] = x[i];
        T t = new T(3, 12, 10, xv);
        t = conv(t, p.get("conv1.weight"), p.get("conv1.bias"), 8, 3, 1, 1, 1);
        t = batchNorm(t, p.get("bn1.weight"), p.get("bn1.bias"), p.get("bn1.running_mean"), p.get("bn1.running_var"), 1e-5);
        t = clip(t, 0, Double.POSITIVE_INFINITY);
        t = maxPool(t, 2, 2);
        t = conv(t, p.get("dw.weight"), p.get("dw.bias"), 16, 3, 2, 1, 8);
        t = clip(t, 0, 6);
        t = conv(t, p.get("gc.weight"), null, 12, 1, 1, 0, 4);
        double[] gap = new double[t.c()];
        for (int c = 0; c < t.c(); c++) {
            double s = 0;
            for (int y = 0; y < t.h(); y++) for (int xx = 0; xx < t.w(); xx++) s += t.at(c, y, xx);
            gap[c] = (float) (s / (t.h() * t.w()));
        }
        double[] w = p.get("fc.weight"), b = p.get("fc.bias");
        double[] logits = new double[5];
        double max = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < 5; o++) {
            double s = b[o];
            for (int i = 0; i < 12; i++) s += w[o * 12 + i] * gap[i];
            logits[o] = (float) s;
            max = Math.max(max, logits[o]);
        }
        double sum = 0;
        for (int o = 0; o < 5; o++) sum += Math.exp(logits[o] - max);
        float[] out = new float[5];
        for (int o = 0; o < 5; o++) out[o] = (float) (Math.exp(logits[o] - max) / sum);
        return out;
    }

    /** {@link OnnxModels#convFlattenLinear}: conv, relu, flatten in NCHW order, linear. */
    static float[] convFlattenLinear(ModelProto m, float[] x, boolean matmul) {
        Map<String, double[]> p = new HashMap<>();
        for (TensorProto t : m.getGraph().getInitializerList()) p.put(t.getName(), OnnxTensors.decode(t, t.getName()).values());
        double[] xv = new double[x.length];
        for (int i = 0; i < x.length; i++) xv[i] = x[i];
        T t = clip(conv(new T(2, 6, 6, xv), p.get("conv.weight"), p.get("conv.bias"), 4, 3, 1, 0, 1), 0, Double.POSITIVE_INFINITY);
        double[] flat = t.v();
        double[] b = p.get("fc.bias");
        float[] out = new float[5];
        for (int o = 0; o < 5; o++) {
            double s = b[o];
            for (int i = 0; i < 64; i++) s += (matmul ? p.get("fc.weight_t")[i * 5 + o] : p.get("fc.weight")[o * 64 + i]) * flat[i];
            out[o] = (float) s;
        }
        return out;
    }

    static T conv(T in, double[] w, double[] b, int outC, int k, int stride, int pad, int groups) {
        int inPerGroup = in.c() / groups, outPerGroup = outC / groups;
        int oh = (in.h() + 2 * pad - k) / stride + 1, ow = (in.w() + 2 * pad - k) / stride + 1;
        double[] v = new double[outC * oh * ow];
        for (int o = 0; o < outC; o++) {
            int g = o / outPerGroup;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double s = b == null ? 0 : b[o];
                    for (int ci = 0; ci < inPerGroup; ci++) {
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int iy = y * stride - pad + ky, ix = x * stride - pad + kx;
                                if (iy < 0 || ix < 0 || iy >= in.h() || ix >= in.w()) continue;
                                s += w[((o * inPerGroup + ci) * k + ky) * k + kx] * in.at(g * inPerGroup + ci, iy, ix);
                            }
                        }
                    }
                    v[(o * oh + y) * ow + x] = (float) s;
                }
            }
        }
        return new T(outC, oh, ow, v);
    }

    static T batchNorm(T in, double[] gamma, double[] beta, double[] mean, double[] var, double eps) {
        double[] v = in.v().clone();
        int plane = in.h() * in.w();
        for (int i = 0; i < v.length; i++) {
            int c = i / plane;
            v[i] = (float) ((v[i] - mean[c]) / Math.sqrt(var[c] + eps) * gamma[c] + beta[c]);
        }
        return new T(in.c(), in.h(), in.w(), v);
    }

    static T clip(T in, double lo, double hi) {
        double[] v = in.v().clone();
        for (int i = 0; i < v.length; i++) v[i] = Math.min(hi, Math.max(lo, v[i]));
        return new T(in.c(), in.h(), in.w(), v);
    }

    static T maxPool(T in, int k, int stride) {
        int oh = (in.h() - k) / stride + 1, ow = (in.w() - k) / stride + 1;
        double[] v = new double[in.c() * oh * ow];
        for (int c = 0; c < in.c(); c++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) m = Math.max(m, in.at(c, y * stride + ky, x * stride + kx));
                    v[(c * oh + y) * ow + x] = m;
                }
            }
        }
        return new T(in.c(), oh, ow, v);
    }
}
