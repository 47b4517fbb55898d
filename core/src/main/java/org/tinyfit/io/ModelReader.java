package org.tinyfit.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.onnx.OnnxReader;
import org.tinyfit.tflite.OfflinePlan;
import org.tinyfit.tflite.TfliteReader;

/**
 * The one entry point for reading a model file into a {@link Graph}, whatever its format. The
 * format is picked by the file name's ending, else by the file's content; a file of no known format
 * is refused with one line that names it and the formats tinyfit reads.
 *
 * <p>A new format is one more entry in {@link #FORMATS}: nothing else changes.
 */
public final class ModelReader {
    private ModelReader() {}

    /**
     * A model format tinyfit reads.
     *
     * @param name       how messages name it
     * @param extensions the file name endings it uses, lower case with the dot
     * @param recognizes whether a file's bytes are of this format (for files named otherwise)
     * @param reader     reads the bytes of a file of this name into a graph
     * @param fileReader reads a file into a graph
     */
    public record Format(String name, List<String> extensions, Predicate<byte[]> recognizes, BiFunction<byte[], String, Graph> reader,
                         Function<Path, Graph> fileReader) {
        public Format {
            extensions = List.copyOf(extensions);
        }

        boolean namedBy(String fileName) {
            String lower = fileName.toLowerCase(Locale.ROOT);
            return extensions.stream().anyMatch(lower::endsWith);
        }

        @Override public String toString() { return name + " (" + String.join(", ", extensions) + ")"; }
    }

    /** TFLite's flatbuffer: the file identifier "TFL3" at bytes 4 to 7. */
    public static final Format TFLITE = new Format("TFLite", List.of(".tflite"), ModelReader::hasTfliteIdentifier,
            TfliteReader::read, TfliteReader::read);

    /**
     * ONNX's protobuf ModelProto. Exporters write its ir_version (field 1, a varint) first; a file named
     * otherwise that starts so is tried as ONNX (the reader then checks everything).
     */
    public static final Format ONNX = new Format("ONNX", List.of(".onnx"), ModelReader::startsLikeOnnx, OnnxReader::read, OnnxReader::read);

    /** Every format tinyfit reads, in the order they are tried on content. */
    public static final List<Format> FORMATS = List.of(TFLITE, ONNX);

    /** How many leading bytes {@link Format#recognizes} sees of a file read by path. */
    public static final int HEAD_BYTES = 64;

    /** Reads a model file; a missing, unreadable or unknown file is a {@link GraphException} naming it. */
    public static Graph read(Path path) {
        String name = nameOf(path);
        refuseDirectory(path);
        for (Format f : FORMATS) {
            if (!f.namedBy(name)) continue;
            try {
                return f.fileReader().apply(path);
            } catch (GraphException e) {
                throw misnamed(path, name, f, e);
            }
        }
        return formatOf(head(path, name), name).fileReader().apply(path);
    }

    /**
     * The error to give when a file its name calls {@code named} does not read as one: if its bytes
     * are another format's by that format's identifier (a .tflite renamed .onnx), the line says to
     * rename it; else the reader's own.
     */
    private static GraphException misnamed(Path path, String name, Format named, GraphException e) {
        if (named == TFLITE || !Files.isRegularFile(path)) return e;
        byte[] head;
        try {
            head = head(path, name);
        } catch (GraphException unreadable) {
            return e;
        }
        if (!TFLITE.recognizes().test(head)) return e;
        return new GraphException(name + ": not " + named.name() + " but a TFLite model (its bytes carry TFLite's identifier TFL3); rename it "
                + TFLITE.extensions().get(0), e);
    }

    /**
     * The bytes of a model file; a missing file, a directory or an unreadable file is a
     * {@link GraphException} naming it.
     */
    public static byte[] bytes(Path path) {
        refuseDirectory(path);
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new GraphException(nameOf(path) + ": no such file (" + path.toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new GraphException(path + ": cannot read the file (" + e.getMessage() + ")", e);
        }
    }

    private static void refuseDirectory(Path path) {
        if (Files.isDirectory(path)) {
            throw new GraphException(path + " is a directory; give a model file ("
                    + String.join(" or ", FORMATS.stream().flatMap(f -> f.extensions().stream()).toList()) + ")");
        }
    }

    /** The first bytes of a file, enough for {@link Format#recognizes}. */
    private static byte[] head(Path path, String name) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(HEAD_BYTES);
        } catch (NoSuchFileException e) {
            throw new GraphException(name + ": no such file (" + path.toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new GraphException(name + ": cannot read the file (" + e + ")", e);
        }
    }

    /** Reads the bytes of a model file named {@code fileName} (the name picks the format, and messages use it). */
    public static Graph read(byte[] bytes, String fileName) {
        return formatOf(bytes, fileName).reader().apply(bytes, fileName);
    }

    /** The format of a file: the one its name ends in, else the first that recognizes its bytes (its first {@link #HEAD_BYTES} will do). */
    public static Format formatOf(byte[] bytes, String fileName) {
        for (Format f : FORMATS) if (f.namedBy(fileName)) return f;
        for (Format f : FORMATS) if (f.recognizes().test(bytes)) return f;
        throw new GraphException(fileName + ": not a model format tinyfit reads; it reads "
                + String.join(", ", FORMATS.stream().map(Format::toString).toList()));
    }

    /**
     * The offline arena plan a model file carries (TFLite Micro's {@code OfflineMemoryAllocation}:
     * one arena offset per tensor, -1 for one TFLite Micro plans itself), or null when it has none or
     * is not a TFLite file.
     */
    public static int[] offlinePlan(Path path) {
        String name = nameOf(path);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new GraphException(name + ": no such file (" + path.toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new GraphException(name + ": cannot read the file (" + e + ")", e);
        }
        if (formatOf(bytes, name) != TFLITE) return null;
        return OfflinePlan.read(bytes, name).map(OfflinePlan::offsets).orElse(null);
    }

    /** The file name of a path, or the whole path when it has none. */
    public static String nameOf(Path path) {
        return path.getFileName() == null ? path.toString() : path.getFileName().toString();
    }

    private static boolean startsLikeOnnx(byte[] b) {
        return b.length >= 2 && b[0] == 0x08 && b[1] >= 1 && b[1] <= 64;
    }

    private static boolean hasTfliteIdentifier(byte[] b) {
        return b.length >= 8 && Arrays.equals(b, 4, 8, "TFL3".getBytes(StandardCharsets.US_ASCII), 0, 4);
    }
}
