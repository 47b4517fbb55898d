package org.tinyfit.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.InputScaling;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.CalibrationSource;
import org.tinyfit.quant.QuantizationException;

/**
 * Calibration samples for a one-input model: from anything {@link Datasets#open} reads (its training
 * part; labels are not used), or from a {@code .npy} of model inputs (shape [N, ...], each sample the
 * input's element count, any element type). At most {@code limit} samples are taken, evenly spaced
 * over the data; each value v becomes the real input {@code v * scale + offset}. Every failure is a
 * one-line {@link DataException} or {@link QuantizationException} naming the data.
 */
public final class CalibrationSet implements CalibrationSource {
    private final String spec;
    private final int limit;
    private final double scale, offset;

    public CalibrationSet(String spec, int limit, double scale, double offset) {
        if (limit < 1) throw new QuantizationException("--samples " + limit + ": calibration needs at least one sample");
        this.spec = spec;
        this.limit = limit;
        this.scale = scale;
        this.offset = offset;
    }

    @Override public List<float[][]> samples(Graph g) {
        if (g.inputs().length != 1) {
            throw new QuantizationException("calibration from a dataset needs a model with one input; this one has " + g.inputs().length);
        }
        Tensor input = g.tensor(g.inputs()[0]);
        Values data = isNpy() ? npyInputs() : dataset();
        if (data.count() == 0) throw new QuantizationException(spec + ": the calibration set is empty (no samples)");
        if (data.length() != input.shape().elements()) {
            throw new QuantizationException(spec + ": samples of shape " + Arrays.toString(data.shape()) + " (" + values(data.length()) + "), but the model's input "
                    + input.name() + " has shape " + Arrays.toString(input.shape().dims()) + " (" + values(input.shape().elements()) + ")");
        }
        int n = Math.min(limit, data.count());
        // a model that takes standardized rows (its metadata says how) is calibrated on them
        InputScaling scaling = InputScaling.of(g).orElse(null);
        List<float[][]> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int index = (int) ((long) k * data.count() / n);
            float[] v = new float[data.length()];
            data.copy(index, v);
            for (int j = 0; j < v.length; j++) {
                if (!Float.isFinite(v[j])) {
                    throw new QuantizationException(spec + ": sample " + index + ", value " + j + " is " + v[j] + "; calibration data must be finite");
                }
                v[j] = (float) (v[j] * scale + offset);
            }
            if (scaling != null) scaling.apply(v);
            out.add(new float[][] {v});
        }
        return out;
    }

    private static String values(int n) { return n + (n == 1 ? " value" : " values"); }

    private boolean isNpy() {
        return spec.indexOf('#') < 0 && spec.toLowerCase(java.util.Locale.ROOT).endsWith(".npy");
    }

    /** Samples of one shape, by index. */
    private interface Values {
        int count();

        int[] shape();

        default int length() {
            int n = 1;
            for (int d : shape()) n *= d;
            return n;
        }

        void copy(int index, float[] dst);
    }

    private Values dataset() {
        Dataset d = Datasets.open(spec).train();
        return new Values() {
            public int count() { return d.size(); }

            public int[] shape() { return d.sampleShape(); }

            public void copy(int index, float[] dst) { d.copySample(index, dst, 0); }
        };
    }

    /** A .npy whose first dimension counts samples; labels are neither needed nor read. */
    private Values npyInputs() {
        Path path = Path.of(spec);
        if (!Files.isRegularFile(path)) throw new DataException(spec + ": no such file");
        NpyReader.Header h = NpyReader.header(path);
        long[] dims = h.shape();
        if (dims.length == 0) throw new QuantizationException(spec + ": a scalar array; calibration inputs need shape [samples, ...]");
        if (dims[0] == 0) throw new QuantizationException(spec + ": the calibration set is empty (shape " + Arrays.toString(dims) + ")");
        int[] sample = new int[dims.length - 1];
        long length = 1;
        for (int i = 1; i < dims.length; i++) {
            sample[i - 1] = Math.toIntExact(dims[i]);
            length *= dims[i];
        }
        if (dims[0] > Integer.MAX_VALUE || length > Integer.MAX_VALUE / 8) throw new QuantizationException(spec + ": shape " + Arrays.toString(dims) + " is too large");
        int count = (int) dims[0], len = (int) length;
        SampleStore.Buffers store;
        try {
            store = Mapping.map(path, h.dataOffset(), count, len, h.type(), h.order());
        } catch (IOException e) {
            throw new DataException(spec + ": cannot map: " + e.getMessage(), e);
        }
        return new Values() {
            public int count() { return count; }

            public int[] shape() { return sample.clone(); }

            public int length() { return len; }

            public void copy(int index, float[] dst) { store.copy(index, dst, 0); }
        };
    }
}
