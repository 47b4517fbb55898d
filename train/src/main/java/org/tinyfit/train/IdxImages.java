package org.tinyfit.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads an MNIST-style dataset directory (IDX files, optionally gzipped): {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-...}. Pixels are scaled to [0, 1].
 */
public final class IdxImages {
    private IdxImages() {}

    /** The "train" or "t10k" split of {@code dir}, or throws with a message naming the missing file. */
    public static ArraySource load(Path dir, String split) throws IOException {
        Path images = find(dir, split + "-images-idx3-ubyte");
        Path labels = find(dir, split + "-labels-idx1-ubyte");
        int[] shape;
        float[] x;
        try (DataInputStream in = open(images)) {
            int magic = in.readInt();
            if (magic != 0x00000803) throw new IOException(images + ": not an IDX image file (magic " + Integer.toHexString(magic) + ", expected 803)");
            int n = in.readInt(), h = in.readInt(), w = in.readInt();
            if (n < 0 || h <= 0 || w <= 0 || (long) n * h * w > Integer.MAX_VALUE) throw new IOException(images + ": bad dimensions " + n + "x" + h + "x" + w);
            byte[] raw = new byte[n * h * w];
            in.readFully(raw);
            x = new float[raw.length];
            for (int i = 0; i < raw.length; i++) x[i] = (raw[i] & 0xFF) / 255f;
            shape = new int[] {n, h, w};
        }
        int[] y;
        try (DataInputStream in = open(labels)) {
            int magic = in.readInt();
            if (magic != 0x00000801) throw new IOException(labels + ": not an IDX label file (magic " + Integer.toHexString(magic) + ", expected 801)");
            int n = in.readInt();
            if (n != shape[0]) throw new IOException(labels + " has " + n + " labels but " + images + " has " + shape[0] + " images");
            byte[] raw = new byte[n];
            in.readFully(raw);
            y = new int[n];
            int max = 0;
            for (int i = 0; i < n; i++) { y[i] = raw[i] & 0xFF; max = Math.max(max, y[i]); }
        }
        return new ArraySource(x, y, new int[] {shape[1], shape[2], 1}, 10);
    }

    public static Path find(Path dir, String base) throws IOException {
        for (String name : new String[] {base, base + ".gz", base.replace("-idx", ".idx"), base.replace("-idx", ".idx") + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException(dir + " has no " + base + "(.gz); an MNIST-style directory holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        if (p.getFileName().toString().endsWith(".gz")) in = new GZIPInputStream(in, 1 << 16);
        return new DataInputStream(in);
    }
}
