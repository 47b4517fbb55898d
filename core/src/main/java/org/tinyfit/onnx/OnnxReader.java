package org.tinyfit.onnx;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tinyfit.graph.Graph;
import org.tinyfit.onnx.proto.OnnxProto.ModelProto;

/**
 * Reads an .onnx file into a {@link Graph}. The file is untrusted: parsing is bounded (nesting depth,
 * sizes checked against the bytes present), the import checks every declared dimension and refuses
 * cycles, and every defect is one {@link OnnxFormatException} naming the file and the place.
 *
 * <p>Image tensors are NCHW in ONNX and NHWC in tinyfit: the import permutes weights once, so an
 * imported CNN has no Transpose node. Each graph input and output whose layout changed says so in
 * the graph's metadata ({@link OnnxImporter#LAYOUT_KEY}).
 */
public final class OnnxReader {
    private OnnxReader() {}

    /** The largest file tinyfit reads (a Java array holds at most 2 GiB). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    /** How deeply messages may nest; the ONNX messages tinyfit reads nest at most 8 deep. */
    static final int RECURSION_LIMIT = 24;

    public static Graph read(Path path) {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        return read(bytes(path, name), name);
    }

    public static Graph read(byte[] bytes, String sourceName) {
        return read(bytes, sourceName, Map.of());
    }

    /**
     * Reads a model with some graph inputs bound to constant values (ONNX's node tests feed weights as
     * inputs; bound, they import as the constants they are in a real model).
     */
    public static Graph read(byte[] bytes, String sourceName, Map<String, OnnxTensors.Value> bound) {
        String name = sourceName == null ? "model.onnx" : sourceName;
        return new OnnxImporter(parse(bytes, name), name, bound).importGraph();
    }

    /**
     * For a graph input or output that the import holds channels-last, the permutation from the ONNX
     * value's dimensions to the tensor's (tensor dimension i is ONNX dimension perm[i]); null when the
     * tensor is in ONNX's own order.
     */
    public static int[] permutation(Graph g, int tensor) {
        String layout = g.metadata().get(OnnxImporter.LAYOUT_KEY + g.tensor(tensor).name());
        if (layout == null) return null;
        return switch (layout) {
            case "NCHW" -> Layouts.NHWC.clone();
            case "NCL" -> new int[] {0, 2, 1};
            default -> null;
        };
    }

    /** Row-major values of shape {@code dims} rearranged by {@link #permutation} (a null permutation keeps them). */
    public static double[] permute(double[] values, int[] dims, int[] perm) {
        return Layouts.transpose(values, dims, perm);
    }

    /** The inverse of a permutation: maps the tensor's order back to ONNX's. */
    public static int[] inverse(int[] perm) {
        if (perm == null) return null;
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    /** Parses the protobuf of a model, with the nesting depth bounded. */
    public static ModelProto parse(byte[] bytes, String name) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(RECURSION_LIMIT);
            ModelProto m = ModelProto.parseFrom(in);
            if (!m.hasGraph()) throw new OnnxFormatException(name + ": not an ONNX model (it has no graph)");
            return m;
        } catch (java.io.IOException e) {
            throw new OnnxFormatException(name + ": not a valid ONNX model (" + e.getMessage() + ")");
        }
    }

    /** The bytes of a file, with a one-line error for a missing, unreadable or oversized one. */
    public static byte[] bytes(Path path, String name) {
        if (!Files.isRegularFile(path)) {
            throw new OnnxFormatException(name + ": " + (Files.exists(path) ? "is not a regular file" : "no such file") + " (" + path.toAbsolutePath() + ")");
        }
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) throw new OnnxFormatException(name + ": the file has " + size + " bytes, more than tinyfit reads (" + MAX_FILE_BYTES + ")");
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new OnnxFormatException(name + ": cannot read the file (" + e + ")", e);
        }
    }
}
