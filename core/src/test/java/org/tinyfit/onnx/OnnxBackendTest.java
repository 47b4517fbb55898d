package org.tinyfit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tinyfit.onnx.OnnxBackendCases.Result;
import org.tinyfit.onnx.OnnxBackendCases.Status;

/**
 * ONNX's own backend tests (node tests, PyTorch-converted layers and operators): every case whose
 * ops tinyfit imports either imports, runs in tinyfit's runtime and matches ONNX's expected output,
 * or is refused at import with a one-line reason. A wrong number or a crash fails.
 */
class OnnxBackendTest {
    private static List<Result> results;

    static synchronized List<Result> results() {
        if (results == null) {
            List<Result> all = new ArrayList<>();
            for (String suite : List.of("node", "pytorch-converted", "pytorch-operator")) all.addAll(OnnxBackendCases.run(suite));
            results = all;
        }
        return results;
    }

    @Test
    void everyCaseOfASupportedOpMatchesOnnxOrIsRefusedWithAReason() {
        Assumptions.assumeTrue(OnnxBackendCases.present(), OnnxBackendCases.MISSING);
        List<String> bad = new ArrayList<>();
        int pass = 0, refused = 0;
        for (Result r : results()) {
            switch (r.status()) {
                case PASS -> pass++;
                case REFUSED -> {
                    refused++;
                    if (r.detail().contains("\n")) bad.add(r.suite() + "/" + r.name() + ": a refusal of more than one line");
                }
                case WRONG, CRASH -> bad.add(r.suite() + "/" + r.name() + " (" + r.op() + "): " + r.status() + " " + r.detail());
            }
        }
        System.out.println("onnx backend cases: " + pass + " pass, " + refused + " refused");
        if (Boolean.getBoolean("tinyfit.onnx.verbose")) {
            for (Result r : results()) if (r.status() != Status.PASS) System.out.println("  " + r.status() + " " + r.suite() + "/" + r.name() + ": " + r.detail());
        }
        if (!bad.isEmpty()) fail(bad.size() + " cases failed:\n" + String.join("\n", bad));
        assertEquals(0, bad.size());
    }
}
