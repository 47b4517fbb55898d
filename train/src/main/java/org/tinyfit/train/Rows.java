package org.tinyfit.train;

/**
 * The passes over [rows][cols] matrices that the layers make around their matrix products: bias and
 * ReLU after a forward product, the ReLU mask and the bias gradient (a sum over the rows) before the
 * backward ones. {@link VectorRows} when the Vector API module is present, these scalar loops
 * otherwise; both give the same bits (the same operations, each column summed in row order).
 */
final class Rows {
    private Rows() {}

    /** Whether {@link VectorRows} runs these passes. */
    static final boolean VECTOR = Gemm.VECTOR_AVAILABLE;

    /** y[off + r·cols + j] += bias[j] (bias may be null), then max(·, 0) when {@code relu}. */
    static void biasRelu(float[] y, int off, int rows, int cols, float[] bias, boolean relu) {
        if (bias == null && !relu) return;
        if (VECTOR) {
            VectorRows.biasRelu(y, off, rows, cols, bias, relu);
            return;
        }
        scalarBiasRelu(y, off, rows, cols, bias, relu);
    }

    /** {@link #biasRelu} without the Vector API. */
    static void scalarBiasRelu(float[] y, int off, int rows, int cols, float[] bias, boolean relu) {
        for (int r = 0; r < rows; r++) {
            int yo = off + r * cols;
            if (bias != null) for (int j = 0; j < cols; j++) y[yo + j] += bias[j];
            if (relu) for (int j = 0; j < cols; j++) y[yo + j] = Math.max(y[yo + j], 0f);
        }
    }

    /**
     * With a ReLU output {@code y}: g = {@link Activations#reluGradient}(y, dy) written to
     * out[r·cols + j]; without (y null): g = dy, nothing written. Either way sum[j] += g of each row
     * in row order when sum is non-null. y and dy are read from {@code off}.
     */
    static void reluGradientAndSum(float[] y, float[] dy, int off, int rows, int cols, float[] out, float[] sum) {
        if (y == null && sum == null) return;
        if (VECTOR) {
            VectorRows.reluGradientAndSum(y, dy, off, rows, cols, out, sum);
            return;
        }
        scalarReluGradientAndSum(y, dy, off, rows, cols, out, sum);
    }

    /** {@link #reluGradientAndSum} without the Vector API. */
    static void scalarReluGradientAndSum(float[] y, float[] dy, int off, int rows, int cols, float[] out, float[] sum) {
        if (y == null && sum == null) return;
        for (int r = 0; r < rows; r++) {
            int i = off + r * cols, o = r * cols;
            if (y != null) {
                for (int j = 0; j < cols; j++) out[o + j] = Activations.reluGradient(y[i + j], dy[i + j]);
                if (sum != null) for (int j = 0; j < cols; j++) sum[j] += out[o + j];
            } else {
                for (int j = 0; j < cols; j++) sum[j] += dy[i + j];
            }
        }
    }
}
