package org.tinyfit.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format: big-endian, magic 0 0 type rank), plain or
 * gzipped. Sizes in the header are checked against the file before anything is allocated; plain
 * files are memory-mapped, gzipped ones inflated into their stored type (uint8 stays uint8).
 */
public final class IdxReader {
    /** Deflate never compresses more than about 1032:1; a header claiming more is lying. */
    private static final long MAX_INFLATE_RATIO = 1100;
    private static final long MAX_HEAP_BYTES = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /** The header of an IDX file. */
    public record Header(ElementType type, int[] dims, int headerBytes) {
        public long elements() {
            long n = 1;
            for (int d : dims) n = Math.multiplyExact(n, d);
            return n;
        }

        public long dataBytes() { return Math.multiplyExact(elements(), type.bytes()); }
    }

    /** An images file and its labels file (e.g. train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz). */
    public static Dataset read(Path images, Path labels) {
        Array x = readArray(images);
        Array y = readArray(labels);
        int[] d = x.header.dims;
        if (d.length < 2) {
            throw new DataException(images + ": features need at least 2 dimensions [samples, ...], the header has "
                    + Arrays.toString(d));
        }
        if (y.header.dims.length != 1) {
            throw new DataException(labels + ": labels need 1 dimension [samples], the header has "
                    + Arrays.toString(y.header.dims));
        }
        if (y.header.dims[0] != d[0]) {
            throw new DataException(labels + ": " + y.header.dims[0] + " labels for " + d[0] + " samples in " + images);
        }
        int[] shape = d.length == 3 ? new int[] {d[1], d[2], 1} : Arrays.copyOfRange(d, 1, d.length);
        int sampleLength = (int) (x.header.elements() / d[0]);
        SampleStore store = x.mapped != null ? x.mapped
                : SampleStore.Buffers.of(x.heap, ByteOrder.BIG_ENDIAN, d[0], sampleLength, x.header.type);
        int[] labelValues = y.mapped != null
                ? labelsFrom(labels, y.mapped, d[0])
                : Labels.read(labels.toString(), y.heap.order(ByteOrder.BIG_ENDIAN), 0, d[0], y.header.type);
        return StoredDataset.of(images.getFileName().toString(), store, labelValues, shape);
    }

    private static int[] labelsFrom(Path where, SampleStore.Buffers mapped, int count) {
        float[] one = new float[1];
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            mapped.copy(i, one, 0);
            out[i] = Labels.toClass(where + " label " + i, one[0]);
        }
        return out;
    }

    /** One IDX array: its header, and its values either mapped or on the heap. */
    record Array(Header header, SampleStore.Buffers mapped, ByteBuffer heap) {}

    static Array readArray(Path file) {
        try {
            long fileBytes = Files.size(file);
            boolean gzip = isGzip(file);
            try (InputStream in = open(file, gzip)) {
                Header h = readHeader(file, in);
                long data = h.dataBytes();
                if (!gzip) {
                    long have = fileBytes - h.headerBytes;
                    if (have < data) {
                        throw new DataException(file + ": truncated: the header says " + dimsText(h) + " = " + data
                                + " bytes of data, the file has " + have + "; download it again");
                    }
                    if (have > data) {
                        throw new DataException(file + ": " + (have - data) + " bytes after the " + dimsText(h)
                                + " data the header announces; not an IDX file, or a corrupt one");
                    }
                    int n = h.dims[0];
                    int sampleLength = (int) (h.elements() / n);
                    return new Array(h, Mapping.map(file, h.headerBytes, n, sampleLength, h.type, ByteOrder.BIG_ENDIAN), null);
                }
                checkGzipSize(file, fileBytes, h, data);
                if (data > MAX_HEAP_BYTES) {
                    throw new DataException(file + ": " + data + " bytes of data is too much to inflate into memory; "
                            + "gunzip it so it can be memory-mapped");
                }
                byte[] bytes = in.readNBytes((int) data);
                if (bytes.length < data) {
                    throw new DataException(file + ": truncated: the header says " + dimsText(h) + " = " + data
                            + " bytes of data, the gzip holds " + bytes.length + "; download it again");
                }
                return new Array(h, null, ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN));
            }
        } catch (EOFException e) {
            throw new DataException(file + ": truncated (ends inside the gzip stream or the header); download it again");
        } catch (java.util.zip.ZipException e) {
            throw new DataException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void checkGzipSize(Path file, long fileBytes, Header h, long data) throws IOException {
        long total = h.headerBytes + data;
        if (total > fileBytes * MAX_INFLATE_RATIO) {
            throw new DataException(file + ": the header says " + dimsText(h) + " = " + data + " bytes, more than a "
                    + fileBytes + "-byte gzip can hold; the file is truncated or its header corrupt");
        }
        // ISIZE, the last 4 bytes of a gzip member, is the inflated size mod 2^32.
        if (fileBytes >= 18) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                raf.seek(fileBytes - 4);
                long isize = Integer.toUnsignedLong(Integer.reverseBytes(raf.readInt()));
                if (isize != (total & 0xFFFFFFFFL)) {
                    throw new DataException(file + ": the header says " + dimsText(h) + " (" + total
                            + " bytes with the header), the gzip inflates to " + isize + " bytes; truncated or corrupt");
                }
            }
        }
    }

    static Header readHeader(Path file, InputStream in) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) throw new DataException(file + ": too short for an IDX header (" + magic.length + " bytes)");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataException(file + ": wrong magic " + hex(magic) + ": an IDX file starts with 00 00 <type> <rank>");
        }
        ElementType type = switch (magic[2]) {
            case 0x08 -> ElementType.U8;
            case 0x09 -> ElementType.I8;
            case 0x0B -> ElementType.I16;
            case 0x0C -> ElementType.I32;
            case 0x0D -> ElementType.F32;
            case 0x0E -> ElementType.F64;
            default -> throw new DataException(file + ": unknown IDX type code 0x" + String.format("%02x", magic[2])
                    + " (known: 08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double)");
        };
        int rank = magic[3] & 0xFF;
        if (rank < 1 || rank > 4) throw new DataException(file + ": IDX rank " + rank + " is not in 1..4");
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) throw new DataException(file + ": truncated inside the IDX header");
        ByteBuffer b = ByteBuffer.wrap(dimBytes).order(ByteOrder.BIG_ENDIAN);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = b.getInt();
            if (dims[i] <= 0) {
                throw new DataException(file + ": IDX dimension " + i + " is " + Integer.toUnsignedString(dims[i])
                        + "; the header is corrupt");
            }
        }
        Header h = new Header(type, dims, 4 + 4 * rank);
        try {
            if (h.elements() / dims[0] > Integer.MAX_VALUE) throw new ArithmeticException();
            h.dataBytes();
        } catch (ArithmeticException e) {
            throw new DataException(file + ": IDX dimensions " + dimsText(h) + " are too large; the header is corrupt");
        }
        return h;
    }

    private static String dimsText(Header h) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < h.dims.length; i++) s.append(i == 0 ? "" : "x").append(h.dims[i]);
        return s + " " + h.type.name().toLowerCase();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(s.isEmpty() ? "" : " ").append(String.format("%02x", x));
        return s.toString();
    }

    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static InputStream open(Path file, boolean gzip) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
    }
}
