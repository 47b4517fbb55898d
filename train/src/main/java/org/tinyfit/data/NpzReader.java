package org.tinyfit.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a NumPy .npz archive (np.savez or np.savez_compressed): a features array and a labels array
 * by name. Arrays are inflated into memory in their stored type (uint8 stays uint8); sizes are
 * checked against the archive's entry sizes before allocating.
 */
public final class NpzReader {
    private static final long MAX_INFLATE_RATIO = 1100;

    private NpzReader() {}

    /** True when the archive holds an array of this name. */
    public static boolean has(Path file, String array) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry(array + ".npy") != null;
        } catch (IOException e) {
            throw new DataException(file + ": not a readable .npz (zip) archive: " + e.getMessage());
        }
    }

    /** Features array {@code x} and labels array {@code y} (names without ".npy"). */
    public static Dataset read(Path file, String x, String y) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Loaded fx = load(file, zip, x);
            Loaded fy = load(file, zip, y);
            String where = file + " array '" + x + "'";
            int[] shape = NpyReader.sampleShape(where, fx.header);
            int n = (int) fx.header.shape()[0];
            int sampleLength = (int) (fx.header.elements() / n);
            SampleStore store = SampleStore.Buffers.of(fx.data, fx.header.order(), n, sampleLength, fx.header.type());
            int[] labels = NpyReader.labelsOf(file + " array '" + y + "'", fy.header, fy.data.order(fy.header.order()), n, where);
            return StoredDataset.of(file.getFileName() + ":" + x, store, labels, shape);
        } catch (java.util.zip.ZipException e) {
            throw new DataException(file + ": not a readable .npz (zip) archive: " + e.getMessage());
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private record Loaded(NpyReader.Header header, ByteBuffer data) {}

    private static Loaded load(Path file, ZipFile zip, String name) throws IOException {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) {
            StringBuilder names = new StringBuilder();
            zip.stream().limit(12).forEach(z -> names.append(names.isEmpty() ? "" : ", ")
                    .append(z.getName().replaceFirst("\\.npy$", "")));
            throw new DataException(file + ": no array named '" + name + "'; the archive holds: " + names
                    + " (choose with #x=NAME,y=NAME)");
        }
        String where = file + " array '" + name + "'";
        long size = e.getSize();
        long compressed = e.getCompressedSize();
        long bound = compressed >= 0 ? compressed * MAX_INFLATE_RATIO + 1024 : Long.MAX_VALUE;
        if (size < 0 || size > bound) {
            throw new DataException(where + ": the archive claims " + size + " bytes from " + compressed
                    + " compressed; the archive is corrupt");
        }
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
            NpyReader.Header h = NpyReader.readHeader(where, in, size);
            long bytes = h.dataBytes();
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new DataException(where + ": " + bytes + " bytes is too large to hold in memory; "
                        + "save it as a separate .npy (np.save) so it can be memory-mapped");
            }
            byte[] data = in.readNBytes((int) bytes);
            if (data.length < bytes) {
                throw new DataException(where + ": truncated: the header announces " + bytes + " bytes, the archive holds "
                        + data.length);
            }
            return new Loaded(h, ByteBuffer.wrap(data));
        } catch (java.util.zip.ZipException | java.io.EOFException ex) {
            throw new DataException(where + ": corrupt or truncated compressed data (" + ex.getMessage() + ")");
        }
    }
}
