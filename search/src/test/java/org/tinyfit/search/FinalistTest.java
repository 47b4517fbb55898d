package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/** The finalist's last epochs can be quantization-aware; what it reports is what its int8 file scores. */
class FinalistTest {
    @Test void quantizationAwareEpochsReportTheAccuracyOfTheWrittenInt8File() {
        SearchData data = Synthetic.data(Synthetic.rows(900, 3));
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), 4);
        Genome g = space.random(new SplittableRandom(5));
        Finalist f = Finalist.train(space, data, g, 4, 1, 9, 1, new org.tinyfit.train.Trainer.Listener() {});
        assertEquals(4, f.history().size(), "three float epochs, then one quantization-aware");
        Graph written = TfliteReader.read(TfliteWriter.write(f.int8()), "finalist.tflite");
        assertEquals(DType.I8, written.tensor(written.inputs()[0]).dtype(), "the model takes int8 input");
        double fromFile = Int8Model.accuracy(written, data.validation(), data, 1);
        assertEquals(f.validationAccuracy(), fromFile, "the accuracy reported is the written file's");
        assertEquals(f.history().getLast().valAccuracy(), fromFile, 1e-12, "and the one the last quantization-aware epoch printed");
        assertTrue(fromFile > 1.0 / data.classes(), "it learnt: " + fromFile);
    }
}
