package org.tinyfit.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy .npy arrays (format versions 1, 2 and 3; C order; float32/64, uint8, int8/16/32/64,
 * either byte order). Feature files are memory-mapped and keep their stored type; the header's
 * sizes are checked against the bytes actually present before anything is mapped or allocated.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER_BYTES = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {}

    /** A parsed .npy header; {@code dataOffset} is where the values start. */
    public record Header(ElementType type, ByteOrder order, long[] shape, int dataOffset) {
        public long elements() {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        public long dataBytes() { return Math.multiplyExact(elements(), type.bytes()); }
    }

    /** Features from {@code features} (shape [N, ...], 1 to 3 dims per sample) and labels from {@code labels} ([N] or [N, 1]). */
    public static Dataset read(Path features, Path labels) {
        Header fh = header(features);
        int[] shape = sampleShape(features.toString(), fh);
        int n = (int) fh.shape[0];
        int sampleLength = (int) (fh.elements() / n);
        SampleStore store;
        try {
            store = Mapping.map(features, fh.dataOffset, n, sampleLength, fh.type, fh.order);
        } catch (IOException e) {
            throw new DataException(features + ": cannot map: " + e.getMessage(), e);
        }
        Header lh = header(labels);
        ByteBuffer lb;
        try {
            lb = ByteBuffer.wrap(readData(labels, lh));
        } catch (IOException e) {
            throw new DataException(labels + ": cannot read: " + e.getMessage(), e);
        }
        int[] y = labelsOf(labels.toString(), lh, lb.order(lh.order), n, features.toString());
        return StoredDataset.of(features.getFileName().toString(), store, y, shape);
    }

    /** Reads and checks the header of a .npy file against the file's length. */
    public static Header header(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return readHeader(file.toString(), in, Files.size(file));
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a header from {@code in} (left just before the data) and checks that the data fits in
     * {@code totalBytes}, the size of the whole array file.
     */
    static Header readHeader(String where, InputStream in, long totalBytes) throws IOException {
        byte[] pre = in.readNBytes(8);
        if (pre.length < 8 || !Arrays.equals(Arrays.copyOf(pre, 6), MAGIC)) {
            throw new DataException(where + ": not a .npy file (it must start with \\x93NUMPY)");
        }
        int major = pre[6] & 0xFF;
        long headerLen;
        int prefix;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            if (l.length < 2) throw new DataException(where + ": truncated inside the .npy header");
            headerLen = (l[0] & 0xFF) | (l[1] & 0xFF) << 8;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            byte[] l = in.readNBytes(4);
            if (l.length < 4) throw new DataException(where + ": truncated inside the .npy header");
            headerLen = Integer.toUnsignedLong(ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt());
            prefix = 12;
        } else {
            throw new DataException(where + ": .npy format version " + major + "." + (pre[7] & 0xFF)
                    + " is not supported (1, 2 and 3 are)");
        }
        if (headerLen > MAX_HEADER_BYTES || prefix + headerLen > totalBytes) {
            throw new DataException(where + ": .npy header length " + headerLen + " is larger than the file ("
                    + totalBytes + " bytes) or than " + MAX_HEADER_BYTES + "; the file is corrupt");
        }
        byte[] hb = in.readNBytes((int) headerLen);
        if (hb.length < headerLen) throw new DataException(where + ": truncated inside the .npy header");
        String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(text), fortran = FORTRAN.matcher(text), shape = SHAPE.matcher(text);
        if (!descr.find()) {
            throw new DataException(where + ": the .npy header has no simple 'descr' (structured arrays are not supported): "
                    + abbreviate(text));
        }
        if (!fortran.find() || !shape.find()) {
            throw new DataException(where + ": the .npy header lacks 'fortran_order' or 'shape': " + abbreviate(text));
        }
        if (fortran.group(1).equals("True")) {
            throw new DataException(where + ": Fortran-order arrays are not supported; save with "
                    + "np.save(path, np.ascontiguousarray(a))");
        }
        String d = descr.group(1);
        ElementType type = dtype(where, d);
        ByteOrder order = d.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long[] dims = parseShape(where, shape.group(1));
        Header h = new Header(type, order, dims, (int) (prefix + headerLen));
        long data;
        try {
            data = h.dataBytes();
        } catch (ArithmeticException e) {
            throw new DataException(where + ": .npy shape " + Arrays.toString(dims) + " is too large; the header is corrupt");
        }
        long have = totalBytes - h.dataOffset;
        if (have < data) {
            throw new DataException(where + ": truncated: shape " + Arrays.toString(dims) + " " + d + " needs " + data
                    + " bytes of data, the file has " + have);
        }
        return h;
    }

    private static ElementType dtype(String where, String d) {
        String kind = d.length() > 1 && "<>|=".indexOf(d.charAt(0)) >= 0 ? d.substring(1) : d;
        return switch (kind) {
            case "u1", "b1" -> ElementType.U8;
            case "i1" -> ElementType.I8;
            case "i2" -> ElementType.I16;
            case "i4" -> ElementType.I32;
            case "i8" -> ElementType.I64;
            case "f4" -> ElementType.F32;
            case "f8" -> ElementType.F64;
            default -> throw new DataException(where + ": dtype '" + d + "' is not supported; use float32, float64, "
                    + "uint8, int8, int16, int32 or int64 (e.g. a.astype(np.float32))");
        };
    }

    private static long[] parseShape(String where, String s) {
        String[] parts = s.split(",");
        long[] dims = new long[parts.length];
        int n = 0;
        for (String p : parts) {
            String t = p.strip();
            if (t.endsWith("L")) t = t.substring(0, t.length() - 1);
            if (t.isEmpty()) continue;
            try {
                dims[n] = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new DataException(where + ": .npy shape (" + abbreviate(s) + ") is not a tuple of integers");
            }
            if (dims[n] < 0) throw new DataException(where + ": .npy shape (" + s + ") has a negative dimension");
            n++;
        }
        return Arrays.copyOf(dims, n);
    }

    static int[] sampleShape(String where, Header h) {
        long[] s = h.shape;
        if (s.length < 1 || s.length > 4) {
            throw new DataException(where + ": features need shape [samples, ...] with 1 to 3 dimensions per sample, got "
                    + Arrays.toString(s));
        }
        if (s[0] == 0) throw new DataException(where + ": holds no samples (shape " + Arrays.toString(s) + ")");
        if (s[0] > Integer.MAX_VALUE - 8) throw new DataException(where + ": more than 2^31 samples are not supported");
        if (s.length == 1) return new int[] {1};
        int[] shape = new int[s.length - 1];
        long length = 1;
        for (int i = 1; i < s.length; i++) {
            if (s[i] == 0) throw new DataException(where + ": shape " + Arrays.toString(s) + " has an empty sample dimension");
            length *= s[i];
            if (length > Integer.MAX_VALUE / 8) {
                throw new DataException(where + ": one sample of shape " + Arrays.toString(s) + " is too large");
            }
            shape[i - 1] = (int) s[i];
        }
        return shape;
    }

    static int[] labelsOf(String where, Header h, ByteBuffer data, int expected, String featuresWhere) {
        long[] s = h.shape;
        boolean ok = s.length == 1 || (s.length == 2 && s[1] == 1);
        if (!ok) throw new DataException(where + ": labels need shape [samples] or [samples, 1], got " + Arrays.toString(s));
        if (s[0] != expected) {
            throw new DataException(where + ": " + s[0] + " labels for " + expected + " samples in " + featuresWhere);
        }
        return Labels.read(where, data, 0, expected, h.type);
    }

    /** Reads the data part of a small array (labels) into memory; its size was checked against the file. */
    private static byte[] readData(Path file, Header h) throws IOException {
        long bytes = h.dataBytes();
        if (bytes > Integer.MAX_VALUE - 8) throw new DataException(file + ": " + bytes + " bytes is too large for labels");
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(h.dataOffset);
            return in.readNBytes((int) bytes);
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 80 ? t.substring(0, 80) + "..." : t;
    }
}
