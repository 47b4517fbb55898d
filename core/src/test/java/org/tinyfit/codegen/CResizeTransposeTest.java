package org.tinyfit.codegen;

import java.io.IOException;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.runtime.ResizeTransposeModels;

/**
 * The generated C of TRANSPOSE, RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR gives the Java runtime's
 * bytes (which equal TFLite Micro's: {@code ResizeTransposeTflmTest}) on every int8 model of
 * {@link ResizeTransposeModels}, built with the host gcc and its sanitizers.
 */
class CResizeTransposeTest {

    static Stream<String> int8Models() {
        return ResizeTransposeModels.all().entrySet().stream()
                .filter(e -> e.getValue().tensor(e.getValue().inputs()[0]).dtype() == DType.I8).map(e -> e.getKey());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("int8Models")
    void generatedCodeGivesTheJavaRuntimesBytes(String name) throws IOException {
        CodegenChecks.assumeTools("gcc", "make");
        Graph g = ResizeTransposeModels.all().get(name);
        CodegenChecks.assertHostGivesJavaBytes(g, CProject.Options.DEFAULT, new Random(name.hashCode()), 2, name);
    }
}
