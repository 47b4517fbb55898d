package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's JVM (scripts/jdk.sh's tinyfit_java, which ./tinyfit runs) prints nothing of its
 * own on stderr: reading an .onnx (protobuf, which calls sun.misc.Unsafe) leaves stderr to tinyfit.
 */
class LauncherStderrTest {
    @TempDir Path tmp;

    @Test void convertingAnOnnxModelPrintsNoJvmWarnings() throws Exception {
        Path in = Files.write(tmp.resolve("net.onnx"), ConvertCommandTest.convRelu()), out = tmp.resolve("net.tflite");
        Path err = tmp.resolve("stderr.txt");
        String script = ". ../scripts/jdk.sh && tinyfit_find_jdk && tinyfit_java -cp \"$TINYFIT_TEST_CP\" org.tinyfit.cli.Main convert \"$1\" -o \"$2\"";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, "bash", in.toString(), out.toString())
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("TINYFIT_TEST_CP", System.getProperty("java.class.path"));
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the launcher returns");
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertEquals("", Files.readString(err));
        assertTrue(Files.size(out) > 0);
    }
}
