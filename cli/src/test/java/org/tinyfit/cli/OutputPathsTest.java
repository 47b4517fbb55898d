package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a command writes is checked before it works, and what it writes appears whole or not at
 * all: a path it cannot write is one line and exit 1 at once (not after training), a directory
 * given for a file is called one, and no command writes over its own input.
 */
class OutputPathsTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");
    static final String SPEECH = MODELS.resolve("micro_speech_quantized.tflite").toString();
    static final String SPEECH_IN = MODELS.resolve("golden/micro_speech_quantized.seed0.in").toString();

    @TempDir Path tmp;

    private static String oneLineError(CliTest.Run r) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals("", r.out());
        return r.err().strip();
    }

    /** A regular file, so that a path under it can never be written (even as root). */
    private Path aFile() throws IOException {
        return Files.writeString(tmp.resolve("notes.txt"), "not a directory");
    }

    /** A float model trained on the two-class CSV, and that CSV. */
    private Path[] floatModel() throws IOException {
        Path data = TrainCommandTest.csv(tmp), run = tmp.resolve("run");
        CliTest.Run r = CliTest.run("train", "--data", data.toString(), "--model", TrainCommandTest.SPEC, "--epochs", "1", "--batch", "16",
                "--val", "0", "--no-progress", "--threads", "1", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        return new Path[] {run.resolve("model.tflite"), data};
    }

    @Test void aFileUnderARegularFileIsRefusedByEveryCommandThatWritesOne() throws IOException {
        Path file = aFile();
        String out = file.resolve("out.tflite").toString();
        String want = "tinyfit: cannot write " + out + ": " + file + " is a file, not a directory";
        assertEquals(want, oneLineError(CliTest.run("optimize", SPEECH, "-o", out)));
        assertEquals(want, oneLineError(CliTest.run("convert", SPEECH, "-o", out)));
        assertEquals(want, oneLineError(CliTest.run("run", SPEECH, "-i", SPEECH_IN, "-o", out)));
        assertEquals(want, oneLineError(CliTest.run("analyze", SPEECH, "--device", "nucleo-f446re", "--report", out)));
        Path[] m = floatModel();
        assertEquals(want, oneLineError(CliTest.run("quantize", m[0].toString(), "--calibrate", m[1].toString(), "-o", out)));
    }

    @Test void aDirectoryGivenForAFileIsCalledOne() {
        String want = "tinyfit: -o " + tmp + " is a directory; give the path of a file to write";
        assertEquals(want, oneLineError(CliTest.run("optimize", SPEECH, "-o", tmp.toString())));
        assertEquals(want, oneLineError(CliTest.run("convert", SPEECH, "-o", tmp.toString())));
        assertEquals(want, oneLineError(CliTest.run("run", SPEECH, "-i", SPEECH_IN, "-o", tmp.toString())));
    }

    @Test void aMissingDirectorySaysToCreateIt() {
        Path out = tmp.resolve("no/such/dir/o.tflite");
        assertEquals("tinyfit: cannot write " + out + ": the directory " + out.getParent() + " does not exist; create it first",
                oneLineError(CliTest.run("optimize", SPEECH, "-o", out.toString())));
    }

    @Test void aModelIsNotWrittenUnderAnOnnxNameNorReadAsOneWhenItIsTflite() throws IOException {
        Path out = tmp.resolve("net.onnx");
        String want = "tinyfit: -o " + out + ": the model is written as TFLite; give it a .tflite name (net.tflite)";
        assertEquals(want, oneLineError(CliTest.run("convert", SPEECH, "-o", out.toString())));
        assertEquals(want, oneLineError(CliTest.run("optimize", SPEECH, "-o", out.toString())));
        assertFalse(Files.exists(out));
        Files.copy(Path.of(SPEECH), out);
        assertEquals("tinyfit: net.onnx: not ONNX but a TFLite model (its bytes carry TFLite's identifier TFL3); rename it .tflite",
                oneLineError(CliTest.run("analyze", out.toString(), "--device", "nucleo-f446re")));
    }

    @Test void noCommandWritesOverAFileItReadsOrWritesAlready() throws IOException {
        Path model = Files.copy(Path.of(SPEECH), tmp.resolve("m.tflite")), in = Files.copy(Path.of(SPEECH_IN), tmp.resolve("m.in"));
        Path out = tmp.resolve("o.tflite");
        byte[] modelBytes = Files.readAllBytes(model), inBytes = Files.readAllBytes(in);
        String m = model.toString(), i = in.toString();
        assertEquals("tinyfit: -o " + m + " is the input model; write output 0 to another file", oneLineError(CliTest.run("run", m, "-i", i, "-o", m)));
        assertEquals("tinyfit: -o " + i + " is an --input file; write output 0 to another file", oneLineError(CliTest.run("run", m, "-i", i, "-o", i)));
        assertEquals("tinyfit: --report " + m + " is the input model; write the report to another file",
                oneLineError(CliTest.run("analyze", m, "--device", "nucleo-f446re", "--report", m)));
        assertEquals("tinyfit: --report " + m + " is the input model; write the report to another file",
                oneLineError(CliTest.run("optimize", m, "-o", out.toString(), "--device", "nucleo-f446re", "--report", m)));
        assertEquals("tinyfit: --report " + out + " is the -o file; write the report to another file",
                oneLineError(CliTest.run("optimize", m, "-o", out.toString(), "--device", "nucleo-f446re", "--report", out.toString())));
        assertArrayEquals(modelBytes, Files.readAllBytes(model));
        assertArrayEquals(inBytes, Files.readAllBytes(in));
        assertFalse(Files.exists(out));
    }

    @Test void quantizeAndCompressRefuseToWriteOverTheirData() throws IOException {
        Path[] m = floatModel();
        byte[] data = Files.readAllBytes(m[1]);
        assertEquals("tinyfit: -o " + m[1] + " is the calibration data; write the int8 model to another file",
                oneLineError(CliTest.run("quantize", m[0].toString(), "--calibrate", m[1] + "#label=label", "-o", m[1].toString())));
        assertEquals("tinyfit: -o " + m[1] + " is the --data file; write the compressed model to another file",
                oneLineError(CliTest.run("compress", m[0].toString(), "--data", m[1].toString(), "--device", "nucleo-f446re",
                        "--max-ram", "64KB", "--epochs", "1", "--qat-epochs", "0", "--threads", "1", "-o", m[1].toString())));
        assertArrayEquals(data, Files.readAllBytes(m[1]));
    }

    @Test void optimizeWritesNothingWhenItsReportCannotBeWritten() throws IOException {
        Path out = tmp.resolve("o.tflite"), report = aFile().resolve("r.html");
        String err = oneLineError(CliTest.run("optimize", SPEECH, "-o", out.toString(), "--device", "nucleo-f446re", "--report", report.toString()));
        assertTrue(err.startsWith("tinyfit: cannot write " + report), err);
        assertFalse(Files.exists(out), "the model is not written when the command fails");
    }

    @Test void quantizeAndCompressRefuseToWriteOverTheirInput() throws IOException {
        Path[] m = floatModel();
        byte[] before = Files.readAllBytes(m[0]);
        assertEquals("tinyfit: -o " + m[0] + " is the input model; write the int8 model to another file",
                oneLineError(CliTest.run("quantize", m[0].toString(), "--calibrate", m[1].toString(), "-o", m[0].toString())));
        assertEquals("tinyfit: -o " + m[0] + " is the input model; write the compressed model to another file",
                oneLineError(CliTest.run("compress", m[0].getParent().toString(), "--data", m[1].toString(), "--device", "nucleo-f446re",
                        "--max-ram", "64KB", "--epochs", "1", "--qat-epochs", "0", "--threads", "1", "-o", m[0].toString())));
        assertArrayEquals(before, Files.readAllBytes(m[0]));
    }

    @Test void compressRefusesAnUnwritableOutputBeforeItTrains() throws IOException {
        Path[] m = floatModel();
        Path out = aFile().resolve("c.tflite");
        CliTest.Run r = CliTest.run("compress", m[0].toString(), "--data", m[1].toString(), "--device", "nucleo-f446re",
                "--max-ram", "64KB", "--epochs", "1", "--qat-epochs", "0", "--threads", "1", "-o", out.toString());
        assertEquals("tinyfit: cannot write " + out + ": " + out.getParent() + " is a file, not a directory", oneLineError(r));
    }

    @Test void compressWritesItsModelWithTheSamePermissionsAsAnyNewFile() throws IOException {
        Path[] m = floatModel();
        Path out = tmp.resolve("c.tflite");
        CliTest.Run r = CliTest.run("compress", m[0].toString(), "--data", m[1].toString(), "--device", "nucleo-f446re",
                "--max-ram", "64KB", "--epochs", "1", "--qat-epochs", "0", "--threads", "1", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        Path plain = Files.createFile(tmp.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out), "not owner-only, as a temporary file is");
    }

    @Test void aDirectoryUnderARegularFileIsRefusedByEveryCommandThatWritesOne() throws IOException {
        Path file = aFile(), dir = file.resolve("out");
        String want = ": " + file + " is a file, not a directory";
        assertEquals("tinyfit: cannot create --c " + dir + want, oneLineError(CliTest.run("export", SPEECH, "--c", dir.toString())));
        assertEquals("tinyfit: cannot create --out " + dir + want, oneLineError(CliTest.run("search", "--data", TrainCommandTest.csv(tmp).toString(),
                "--device", "nucleo-f446re", "--budget", "2m", "--max-candidates", "1", "--threads", "1", "--out", dir.toString())));
        assertEquals("tinyfit: cannot create --out " + dir + want, oneLineError(CliTest.run("train", "--data", TrainCommandTest.csv(tmp).toString(),
                "--model", TrainCommandTest.SPEC, "--epochs", "1", "--out", dir.toString())));
        assertEquals("tinyfit: cannot create --out " + dir + want, oneLineError(CliTest.run("demo", "--quick", "--threads", "1", "--out", dir.toString())));
        assertEquals("tinyfit: --c " + file + " is a file; give a directory", oneLineError(CliTest.run("export", SPEECH, "--c", file.toString())));
        assertEquals("tinyfit: --out " + file + " is a file; give a directory", oneLineError(CliTest.run("search", "--data", TrainCommandTest.csv(tmp).toString(),
                "--device", "nucleo-f446re", "--budget", "2m", "--max-candidates", "1", "--threads", "1", "--out", file.toString())));
    }

    @Test void aFailedWriteLeavesTheEarlierFileWholeAndNoTemporaryFile() throws IOException {
        Path out = tmp.resolve("o.tflite");
        byte[] earlier = "an earlier model".getBytes();
        Files.write(out, earlier);
        // the file is written beside its target first; a directory in that place makes the write fail
        Path blocker = Files.createDirectory(tmp.resolve(".o.tflite." + ProcessHandle.current().pid() + ".tmp"));
        Files.writeString(blocker.resolve("keep"), "x");
        CliTest.Run r = CliTest.run("optimize", SPEECH, "-o", out.toString());
        assertEquals(1, r.code(), r.err());
        assertArrayEquals(earlier, Files.readAllBytes(out));
        Files.delete(blocker.resolve("keep"));
        Files.delete(blocker);
        assertEquals(0, CliTest.run("optimize", SPEECH, "-o", out.toString()).code());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("o.tflite"), s.map(p -> p.getFileName().toString()).sorted().toList(), "only the written model is left");
        }
    }
}
