package org.tinyfit.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.InputScaling;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/** A model that expects standardized input says so, with the statistics, in its C project's model.h. */
class CInputScalingTest {
    @Test void modelHeaderStatesTheStandardizationTheInputExpects() {
        InputScaling sc = new InputScaling(new float[] {167484.33f, 1.5f}, new float[] {7.7e-6f, 2f});
        Graph g = TfliteReader.read(TfliteWriter.write(sc.attachTo(Int8Graphs.random(1))), "scaled.tflite");
        assertEquals(sc, InputScaling.of(g).orElseThrow(), "the statistics survive the .tflite file");
        String h = CProject.generate(g, CProject.Options.DEFAULT).files().get("model.h");
        assertTrue(h.contains("#define MODEL_INPUT0_FEATURES 2\n"), h);
        assertTrue(h.contains("#define MODEL_INPUT0_FEATURE_SHIFT {167484.33f, 1.5f}\n"), h);
        assertTrue(h.contains("#define MODEL_INPUT0_FEATURE_SCALE {7.7E-6f, 2.0f}\n"), h);
        String plain = CProject.generate(Int8Graphs.random(1), CProject.Options.DEFAULT).files().get("model.h");
        assertFalse(plain.contains("FEATURE_SHIFT"), "a model without a scaling takes its input as stored");
    }
}
