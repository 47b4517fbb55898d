package org.tinyfit.search;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Normalization;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.InputScaling;
import org.tinyfit.passes.InputNormalization;
import org.tinyfit.quant.PostTrainingQuantization;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.train.Evaluation;

/**
 * A trained float inference graph made into the int8 model a device runs: for images and sequences
 * the data's normalization put inside the model ({@link InputNormalization}: folded into the first
 * layer where exact), so the model takes samples as the data set stores them; for tabular rows the
 * standardization stays outside and is recorded in the model ({@link InputScaling}), which
 * evaluation applies; post-training quantization by TFLite's rules,
 * calibrated on the first training samples; scored by running the int8 graph in tinyfit's runtime,
 * which computes what TensorFlow Lite Micro computes, byte for byte.
 */
public final class Int8Model {
    /** Training samples the calibration observes. */
    public static final int CALIBRATION_SAMPLES = 256;

    private Int8Model() {}

    /**
     * The int8 graph of {@code inference}, calibrated on {@code data}'s training part. Images and
     * sequences get the normalization inside the model; tabular rows keep it outside
     * ({@link #scalesOutside}) and the model records it ({@link InputScaling}).
     */
    public static Graph quantize(Graph inference, SearchData data) {
        Normalization norm = data.normalization();
        boolean outside = norm != null && scalesOutside(data.sampleShape());
        Graph g = norm == null || outside ? inference : InputNormalization.apply(inference, norm.shift(), norm.scale()).graph();
        Dataset train = data.train();
        int n = Math.min(CALIBRATION_SAMPLES, train.size());
        List<float[][]> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] x = new float[train.sampleLength()];
            train.copySample(i, x, 0);
            if (outside) norm.apply(x, 0, x.length);
            samples.add(new float[][] {x});
        }
        Graph int8 = PostTrainingQuantization.quantize(g, samples, PtqOptions.defaults()).graph();
        return outside ? new InputScaling(norm.shift(), norm.scale()).attachTo(int8) : int8;
    }

    /**
     * Whether samples of this shape are standardized outside the model: tabular rows, whose columns
     * differ in range so much that one int8 input scale for the raw values would round the small ones away.
     */
    public static boolean scalesOutside(int[] sampleShape) {
        return sampleShape.length == 1;
    }

    /** Top-1 accuracy of the int8 graph on {@code part} as stored, run in tinyfit's runtime. */
    public static double accuracy(Graph int8, Dataset part, SearchData data, int threads) {
        return Evaluation.topOne(int8, "candidate", part, "data", 1, 0, null, threads).accuracy();
    }
}
