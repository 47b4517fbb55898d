package org.tinyfit.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens a dataset from a spec {@code PATH[#key=value,key=value...]}, choosing the reader from what
 * PATH is:
 * <ul>
 *   <li>a directory with IDX files ({@code train-images-idx3-ubyte[.gz]} + {@code train-labels-idx1-ubyte[.gz]},
 *       and {@code t10k-*} as the test part), or with {@code x.npy} + {@code y.npy} (and {@code x_test.npy} +
 *       {@code y_test.npy});</li>
 *   <li>an IDX images file (its labels file is found by name);</li>
 *   <li>a {@code .csv} with a header row;</li>
 *   <li>a {@code .npy} of features (labels: {@code y.npy} beside {@code x.npy}, or {@code #labels=FILE});</li>
 *   <li>a {@code .npz} with arrays {@code x}, {@code y} (and {@code x_test}, {@code y_test}).</li>
 * </ul>
 * Keys: {@code label=NAME|INDEX} (CSV label column, default the first), {@code shape=140x1} (sample
 * shape, e.g. to read a row as a sequence), {@code test=M:R} (sample i is test when i % M == R) or
 * {@code test=FILE} (a test file of the same kind and columns, beside the data file),
 * {@code x=NAME}, {@code y=NAME} (array or file names for NPY/NPZ), {@code labels=FILE} (labels for a .npy).
 * Every failure is a one-line {@link DataException}.
 */
public final class Datasets {
    private static final List<String> KEYS = List.of("label", "shape", "test", "x", "y", "labels");
    private static final Pattern IDX_IMAGES = Pattern.compile("(.*?)[-_.]?images[-_.]idx[2-4]-ubyte(\\.gz)?");

    private Datasets() {}

    /** Opens {@code spec}; see the class comment for the forms it takes. */
    public static DataSource open(String spec) {
        if (spec == null || spec.isBlank()) throw new DataException("no dataset given: pass a file or directory");
        int hash = spec.lastIndexOf('#');
        Map<String, String> options = parseOptions(hash >= 0 ? spec.substring(hash + 1) : "");
        return open(Path.of(pathOf(spec)), options);
    }

    /** The file or directory a spec names: the spec without its {@code #options}. */
    public static String pathOf(String spec) {
        int hash = spec.lastIndexOf('#');
        return hash >= 0 ? spec.substring(0, hash) : spec;
    }

    /** Opens {@code path} with options as in {@link #open(String)}. */
    public static DataSource open(Path path, Map<String, String> options) {
        for (String k : options.keySet()) {
            if (!KEYS.contains(k)) throw new DataException("unknown dataset option '" + k + "'; known: " + String.join(", ", KEYS));
        }
        if (!Files.exists(path)) throw new DataException(path + ": no such file or directory");
        if (options.containsKey("label") && !path.getFileName().toString().toLowerCase().endsWith(".csv")) {
            throw new DataException(path + ": option label= only applies to CSV files");
        }
        String x = options.getOrDefault("x", "x"), y = options.getOrDefault("y", "y");
        DataSource raw;
        if (Files.isDirectory(path)) {
            raw = openDirectory(path, x, y);
        } else {
            String name = path.getFileName().toString().toLowerCase();
            if (name.endsWith(".csv")) {
                raw = new DataSource(path.toString(), CsvReader.read(path, options.get("label"), null), Optional.empty());
            } else if (name.endsWith(".npz")) {
                Dataset train = NpzReader.read(path, x, y);
                Optional<Dataset> test = NpzReader.has(path, x + "_test") && NpzReader.has(path, y + "_test")
                        ? Optional.of(NpzReader.read(path, x + "_test", y + "_test")) : Optional.empty();
                raw = new DataSource(path.toString(), train, test);
            } else if (name.endsWith(".npy")) {
                raw = new DataSource(path.toString(), NpyReader.read(path, npyLabels(path, options, x, y)), Optional.empty());
            } else if (IDX_IMAGES.matcher(name).matches()) {
                raw = new DataSource(path.toString(), IdxReader.read(path, idxLabels(path)), Optional.empty());
            } else {
                throw new DataException(path + ": unknown kind of data file; use a .csv, .npy, .npz, IDX files "
                        + "(*-images-idx3-ubyte[.gz]) or a directory holding them");
            }
        }
        String testText = options.get("test");
        if (testText != null && !TEST_RULE.matcher(testText).matches()) raw = withTestFile(raw, path, options, testText);
        return finish(raw, options);
    }

    private static final Pattern TEST_RULE = Pattern.compile("(\\d{1,9}):(\\d{1,9})");

    /**
     * {@code test=FILE}: a separate test file of the same kind and columns as the data file (a CSV,
     * a features .npy, an IDX images file), relative to the data file's directory.
     */
    private static DataSource withTestFile(DataSource raw, Path path, Map<String, String> options, String testText) {
        if (raw.test().isPresent()) throw new DataException(raw.description() + ": has its own test part; drop the test= option");
        if (Files.isDirectory(path)) throw new DataException(path + ": test=" + testText + " needs a data file, not a directory; a directory's test part is its t10k-* or x_test/y_test files");
        String kind = path.getFileName().toString().toLowerCase();
        Path testPath = path.toAbsolutePath().getParent().resolve(testText);
        String testName = testPath.getFileName().toString().toLowerCase();
        if (!Files.isRegularFile(testPath)) throw new DataException("test=" + testText + ": no file " + testPath + "; test= takes M:R (sample i is test when i % M == R) or a test file beside the data");
        Dataset test;
        if (kind.endsWith(".csv") && testName.endsWith(".csv")) {
            List<String> want = CsvReader.header(path), have = CsvReader.header(testPath);
            if (!want.equals(have)) {
                int i = 0;
                while (i < Math.min(want.size(), have.size()) && want.get(i).equals(have.get(i))) i++;
                String diff = i < Math.min(want.size(), have.size()) ? "column " + (i + 1) + " is '" + have.get(i) + "', the data's is '" + want.get(i) + "'"
                        : have.size() + " columns, the data has " + want.size();
                throw new DataException(testPath + ": not the data's columns (" + diff + "); a test file needs the same header as " + path.getFileName());
            }
            test = CsvReader.read(testPath, options.get("label"), null);
        } else if (kind.endsWith(".npy") && testName.endsWith(".npy")) {
            String x = options.getOrDefault("x", "x"), y = options.getOrDefault("y", "y");
            test = NpyReader.read(testPath, npyLabels(testPath, Map.of(), x, y));
        } else if (IDX_IMAGES.matcher(kind).matches() && IDX_IMAGES.matcher(testName).matches()) {
            test = IdxReader.read(testPath, idxLabels(testPath));
        } else {
            throw new DataException("test=" + testText + ": a test file must be of the data file's kind (" + path.getFileName() + ")");
        }
        if (!Arrays.equals(test.sampleShape(), raw.train().sampleShape())) {
            throw new DataException(testPath + ": samples of shape " + Arrays.toString(test.sampleShape()) + ", the data's are " + Arrays.toString(raw.train().sampleShape()));
        }
        return new DataSource(raw.description(), raw.train(), Optional.of(test));
    }

    private static DataSource finish(DataSource raw, Map<String, String> options) {
        Dataset train = raw.train();
        Optional<Dataset> test = raw.test();
        String shapeText = options.get("shape");
        if (shapeText != null) {
            int[] shape = parseShape(shapeText);
            train = new Reshaped(train, shape);
            test = test.map(t -> new Reshaped(t, shape));
        }
        String testRule = options.get("test");
        Matcher m = testRule == null ? null : TEST_RULE.matcher(testRule);
        if (m != null && m.matches()) {
            if (test.isPresent()) {
                throw new DataException(raw.description() + ": has its own test part; drop the test= option");
            }
            Split s = Splits.everyNth(train, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            train = s.train();
            test = Optional.of(s.validation());
        }
        if (test.isPresent() && test.get().numClasses() != train.numClasses()) {
            int classes = Math.max(train.numClasses(), test.get().numClasses());
            train = new WithClassCount(train, classes);
            test = Optional.of(new WithClassCount(test.get(), classes));
        }
        return new DataSource(raw.description(), train, test);
    }

    /** The same samples declaring more classes than their labels reach, so that train and test agree. */
    private record WithClassCount(Dataset data, int numClasses) implements Dataset {
        @Override public int size() { return data.size(); }

        @Override public int[] sampleShape() { return data.sampleShape(); }

        @Override public int sampleLength() { return data.sampleLength(); }

        @Override public int label(int index) { return data.label(index); }

        @Override public String where(int index) { return data.where(index); }

        @Override public void copySample(int index, float[] dst, int offset) { data.copySample(index, dst, offset); }
    }

    private static DataSource openDirectory(Path dir, String x, String y) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list: " + e.getMessage(), e);
        }
        Path train = null, test = null;
        for (Path f : files) {
            Matcher m = IDX_IMAGES.matcher(f.getFileName().toString().toLowerCase());
            if (!m.matches()) continue;
            String prefix = m.group(1);
            if (prefix.startsWith("t10k") || prefix.startsWith("test")) test = f;
            else if (train == null || prefix.startsWith("train")) train = f;
        }
        if (train != null) {
            Dataset tr = IdxReader.read(train, idxLabels(train));
            Optional<Dataset> te = test == null ? Optional.empty() : Optional.of(IdxReader.read(test, idxLabels(test)));
            return new DataSource(dir.toString(), tr, te);
        }
        Path xs = dir.resolve(x + ".npy"), ys = dir.resolve(y + ".npy");
        if (Files.isRegularFile(xs) && Files.isRegularFile(ys)) {
            Path xt = dir.resolve(x + "_test.npy"), yt = dir.resolve(y + "_test.npy");
            Optional<Dataset> te = Files.isRegularFile(xt) && Files.isRegularFile(yt)
                    ? Optional.of(NpyReader.read(xt, yt)) : Optional.empty();
            return new DataSource(dir.toString(), NpyReader.read(xs, ys), te);
        }
        throw new DataException(dir + ": no dataset found: expected IDX files (train-images-idx3-ubyte[.gz] and "
                + "train-labels-idx1-ubyte[.gz]) or " + x + ".npy and " + y + ".npy");
    }

    /** The labels file of an IDX images file: "images" becomes "labels", idx2/3/4 becomes idx1. */
    private static Path idxLabels(Path images) {
        String name = images.getFileName().toString();
        String base = name.replaceFirst("(?i)images([-_.])idx[2-4]", "labels$1idx1");
        List<Path> candidates = new ArrayList<>();
        Path dir = images.toAbsolutePath().getParent();
        String stem = base.endsWith(".gz") ? base.substring(0, base.length() - 3) : base;
        candidates.add(dir.resolve(stem + ".gz"));
        candidates.add(dir.resolve(stem));
        for (Path c : candidates) if (Files.isRegularFile(c)) return c;
        throw new DataException(images + ": no labels file beside it (looked for " + stem + "[.gz])");
    }

    private static Path npyLabels(Path features, Map<String, String> options, String x, String y) {
        Path dir = features.toAbsolutePath().getParent();
        String given = options.get("labels");
        if (given != null) {
            Path p = dir.resolve(given);
            if (!Files.isRegularFile(p)) throw new DataException(p + ": labels file not found");
            return p;
        }
        String name = features.getFileName().toString();
        if (name.equals(x + ".npy") || name.equals(x + "_test.npy")) {
            Path p = dir.resolve(y + name.substring(x.length()));
            if (Files.isRegularFile(p)) return p;
        }
        throw new DataException(features + ": where are the labels? name them with " + features + "#labels=FILE.npy");
    }

    static Map<String, String> parseOptions(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text.isBlank()) return out;
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new DataException("dataset option '" + part + "' is not key=value");
            String key = part.substring(0, eq).strip(), value = part.substring(eq + 1).strip();
            if (out.put(key, value) != null) throw new DataException("dataset option '" + key + "' given twice");
        }
        return out;
    }

    static int[] parseShape(String text) {
        String[] parts = text.split("x");
        int[] shape = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) shape[i] = Integer.parseInt(parts[i].strip());
        } catch (NumberFormatException e) {
            throw new DataException("shape=" + text + ": expected dimensions like 28x28x1 or 140x1");
        }
        return shape;
    }
}
