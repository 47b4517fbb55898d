package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every command's output on the shared models, pinned: stdout, stderr and the exit code of
 * {@code analyze}, {@code optimize} (and the SHA-256 of the model it writes), {@code run},
 * {@code eval}, {@code devices}, {@code demo}, {@code train} (its summary and the SHA-256 of the
 * model it writes) and {@code quantize} (of the model train wrote; the SHA-256 of the file) must stay exactly as stored under {@code src/test/resources/command-outputs/}.
 *
 * <p>Only what is not a property of the code is normalized: the absolute paths of the shared
 * models and of the scratch directory, and measured times (optimize's search micros and
 * milliseconds, run's milliseconds, eval's seconds and samples per second, train's seconds and
 * samples per second). Every other character is compared.
 *
 * <p>To re-record after an intended change of output, run with {@code -Dtinyfit.pin.record=true}
 * and review the diff of the stored files.
 */
class CommandOutputsUnchangedTest {
    static final Path SHARED = Path.of(System.getProperty("tinyfit.shared", "../shared"));
    static final Path MODELS = SHARED.resolve("models");
    static final Path EXPECTED = Path.of("src/test/resources/command-outputs");
    /** Relative, so that the paths train writes into the model's provenance do not depend on where the tree is. */
    static final Path SCRATCH = Path.of("target/command-outputs");
    static final boolean RECORD = Boolean.getBoolean("tinyfit.pin.record");
    static final List<String> MODEL_NAMES = List.of("hello_world_float", "hello_world_int8", "keyword_scrambled_8bit",
            "micro_speech_quantized", "person_detect", "simple_add_model");

    /** One command line, and how to normalize what it prints. */
    record Case(String name, String[] args, UnaryOperator<String> timing) {}

    @TestFactory
    Stream<DynamicTest> everyCommandPrintsWhatItPrintedBefore() throws IOException {
        deleteTree(SCRATCH);
        Files.createDirectories(SCRATCH);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("devices", new String[] {"devices"}, s -> s));
        cases.add(new Case("devices-json", new String[] {"devices", "--json"}, s -> s));
        cases.add(new Case("demo", new String[] {"demo", "boards"}, s -> s));
        cases.add(new Case("demo-json", new String[] {"demo", "boards", "--json"}, s -> s));
        for (String m : MODEL_NAMES) {
            String model = MODELS.resolve(m + ".tflite").toString();
            cases.add(new Case("analyze-" + m, new String[] {"analyze", model, "--device", "nucleo-f446re"}, s -> s));
            cases.add(new Case("analyze-json-" + m, new String[] {"analyze", model, "--device", "nucleo-f446re", "--json"}, s -> s));
            cases.add(new Case("optimize-" + m, new String[] {"optimize", model, "-o", SCRATCH.resolve(m + ".opt.tflite").toString(), "--profile"},
                    CommandOutputsUnchangedTest::optimizeTimes));
            cases.add(new Case("optimize-json-" + m, new String[] {"optimize", model, "-o", SCRATCH.resolve(m + ".opt-json.tflite").toString(), "--json"},
                    CommandOutputsUnchangedTest::optimizeTimes));
            List<String> run = new ArrayList<>(List.of("run", model));
            for (Path in : goldenInputs(m)) run.addAll(List.of("--input", in.toString()));
            cases.add(new Case("run-" + m, run.toArray(String[]::new), s -> s.replaceAll("ran in [0-9.]+ ms", "ran in <ms> ms")));
            run.add("--json");
            cases.add(new Case("run-json-" + m, run.toArray(String[]::new), s -> s.replaceAll("\"runMillis\" : [0-9.Ee-]+", "\"runMillis\" : <ms>")));
        }
        Path speechCsv = speechCsv();
        UnaryOperator<String> evalTimes = s -> s.replaceAll("[0-9.]+ samples/s", "<n> samples/s").replaceAll("\"seconds\" : [0-9.Ee-]+", "\"seconds\" : <s>");
        String speech = MODELS.resolve("micro_speech_quantized.tflite").toString();
        cases.add(new Case("eval", new String[] {"eval", speech, "--data", speechCsv.toString(), "--threads", "1"}, evalTimes));
        cases.add(new Case("eval-json", new String[] {"eval", speech, "--data", speechCsv.toString(), "--threads", "2", "--json"}, evalTimes));
        Path trainCsv = TrainCommandTest.csv(SCRATCH);
        cases.add(new Case("train", trainArgs(trainCsv, "train-text", false), CommandOutputsUnchangedTest::trainTimes));
        cases.add(new Case("train-json", trainArgs(trainCsv, "train-json", true), CommandOutputsUnchangedTest::trainTimes));
        String trained = SCRATCH.resolve("train-text").resolve("model.tflite").toString();
        cases.add(new Case("quantize", new String[] {"quantize", trained, "--calibrate", trainCsv.toString(), "-o", SCRATCH.resolve("quantized.tflite").toString()}, s -> s));
        cases.add(new Case("quantize-json", new String[] {"quantize", trained, "--calibrate", trainCsv.toString(), "--calibration", "mse",
            "-o", SCRATCH.resolve("quantized-mse.tflite").toString(), "--json"}, s -> s));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    static String[] trainArgs(Path csv, String out, boolean json) {
        List<String> a = new ArrayList<>(List.of("train", "--data", csv.toString(), "--model", TrainCommandTest.SPEC, "--epochs", "1", "--batch", "16",
                "--lr", "0.02", "--val", "40", "--shift", "0", "--no-flip", "--no-progress", "--threads", "2", "--out", SCRATCH.resolve(out).toString()));
        if (json) a.add("--json");
        return a.toArray(String[]::new);
    }

    private static void check(Case c) throws IOException {
        CliTest.Run r = CliTest.run(c.args());
        StringBuilder got = new StringBuilder();
        got.append("$ tinyfit");
        for (String a : c.args()) got.append(' ').append(a);
        got.append("\nexit ").append(r.code()).append("\n--- stdout\n").append(r.out()).append("--- stderr\n").append(r.err());
        for (String a : c.args()) {
            if (a.endsWith(".tflite") && a.startsWith(SCRATCH.toString())) got.append("--- sha256 of ").append(a).append('\n').append(sha256(Path.of(a))).append('\n');
        }
        if (c.args()[0].equals("train")) {
            Path out = Path.of(c.args()[Arrays.asList(c.args()).indexOf("--out") + 1]);
            got.append("--- summary.json\n").append(Files.readString(out.resolve("summary.json"))).append('\n');
            got.append("--- sha256 of model.tflite\n").append(sha256(out.resolve("model.tflite"))).append('\n');
        }
        String text = c.timing().apply(got.toString().replace(SHARED.toString(), "$SHARED"));
        Path file = EXPECTED.resolve(c.name() + ".txt");
        if (RECORD) {
            Files.createDirectories(EXPECTED);
            Files.writeString(file, text);
            return;
        }
        assertTrue(Files.isRegularFile(file), file + " is missing; record it with -Dtinyfit.pin.record=true");
        assertEquals(Files.readString(file), text, c.name() + ": the output changed");
    }

    static String optimizeTimes(String s) {
        return s.replaceAll("\"(searchMicros|totalMicros|micros|orderSearchMicros)\" : [0-9]+", "\"$1\" : <us>")
                .replaceAll("[0-9]+\\.[0-9] ms", "<ms> ms");
    }

    static String trainTimes(String s) {
        return s.replaceAll("[0-9.]+ s, [0-9]+ samples/s", "<s> s, <n> samples/s")
                .replaceAll("\"(seconds|samplesPerSecond)\" : [0-9.Ee-]+", "\"$1\" : <measured>");
    }

    /** The golden input of seed 0, split into one file per model input when the model has several. */
    static List<Path> goldenInputs(String model) throws IOException {
        Path in = MODELS.resolve("golden/" + model + ".seed0.in");
        if (!model.equals("simple_add_model")) return List.of(in);
        byte[] all = Files.readAllBytes(in);
        int half = all.length / 2;
        Path a = SCRATCH.resolve("simple_add.in0"), b = SCRATCH.resolve("simple_add.in1");
        Files.write(a, Arrays.copyOfRange(all, 0, half));
        Files.write(b, Arrays.copyOfRange(all, half, all.length));
        return List.of(a, b);
    }

    /** The three golden micro_speech inputs as real values, the first two labelled with TFLite Micro's top class, the third with another. */
    static Path speechCsv() throws IOException {
        float scale = 0.101716f;
        int zeroPoint = -128;
        StringBuilder csv = new StringBuilder("label");
        for (int i = 0; i < 1960; i++) csv.append(",f").append(i);
        csv.append('\n');
        for (int seed = 0; seed < 3; seed++) {
            byte[] out = Files.readAllBytes(MODELS.resolve("golden/micro_speech_quantized.seed" + seed + ".out"));
            int top = 0;
            for (int i = 1; i < out.length; i++) if (out[i] > out[top]) top = i;
            csv.append(seed < 2 ? top : (top + 1) % out.length);
            for (byte v : Files.readAllBytes(MODELS.resolve("golden/micro_speech_quantized.seed" + seed + ".in"))) csv.append(',').append(scale * (v - zeroPoint));
            csv.append('\n');
        }
        Path p = SCRATCH.resolve("speech.csv");
        Files.writeString(p, csv);
        return p;
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) Files.delete(p);
        }
    }
}
