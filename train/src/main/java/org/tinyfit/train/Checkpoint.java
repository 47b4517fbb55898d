package org.tinyfit.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The training checkpoint: everything needed to continue exactly where training stopped — the
 * params (running statistics included), the optimizer's state, the position (epoch, step), the
 * epoch's running sums, the finished epochs, and fingerprints of the model and config it belongs
 * to. The data order is derived from (seed, epoch), augmentation from (seed, epoch, sample) and
 * dropout from (seed, epoch, step), so the seed (in the config fingerprint) and the position are
 * the whole random state. Written to a temporary file, flushed to disk and renamed
 * over the old one, so a kill at any moment leaves either the old or the new checkpoint.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.bin";
    private static final int MAGIC = 0x54464350; // "TFCP"
    private static final int VERSION = 2;

    private Checkpoint() {}

    public static void write(Path dir, String modelFingerprint, String configFingerprint, TrainState st, List<Param> params, OptimizerState opt) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        try (OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(modelFingerprint);
            out.writeUTF(configFingerprint);
            out.writeInt(st.epoch);
            out.writeInt(st.stepInEpoch);
            out.writeLong(st.globalStep);
            out.writeDouble(st.lossSum);
            out.writeLong(st.correct);
            out.writeLong(st.seen);
            out.writeDouble(st.epochSeconds);
            out.writeInt(st.history.size());
            for (EpochResult r : st.history) {
                out.writeInt(r.epoch());
                out.writeDouble(r.trainLoss());
                out.writeDouble(r.trainAccuracy());
                out.writeDouble(r.valLoss());
                out.writeDouble(r.valAccuracy());
                out.writeDouble(r.seconds());
                out.writeDouble(r.samplesPerSecond());
            }
            out.writeInt(params.size());
            for (Param p : params) {
                out.writeInt(p.tensorId);
                writeFloats(out, p.value);
            }
            out.writeLong(opt.step);
            out.writeInt(opt.slots.length);
            for (float[][] slots : opt.slots) {
                out.writeInt(slots.length);
                for (float[] s : slots) writeFloats(out, s);
            }
            out.flush();
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Path target = dir.resolve(FILE);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Restores state, params and optimizer from {@code dir}; false when there is no checkpoint. */
    public static boolean read(Path dir, String modelFingerprint, String configFingerprint, TrainState st, List<Param> params, OptimizerState opt) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return false;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) throw new org.tinyfit.data.DataException(file + " is not a tinyfit checkpoint; use another --out directory");
            int version = in.readInt();
            if (version != VERSION) throw new org.tinyfit.data.DataException(file + " has checkpoint version " + version + ", this tinyfit reads " + VERSION + "; use another --out directory");
            String mf = in.readUTF(), cf = in.readUTF();
            if (!mf.equals(modelFingerprint)) throw new org.tinyfit.data.DataException(file + " belongs to a different model; resume with the same --model, or use another --out directory");
            if (!cf.equals(configFingerprint)) throw new org.tinyfit.data.DataException(file + " was made with different settings (" + cf + "; now " + configFingerprint + "); resume with the same options, or use another --out directory");
            st.epoch = in.readInt();
            st.stepInEpoch = in.readInt();
            st.globalStep = in.readLong();
            st.lossSum = in.readDouble();
            st.correct = in.readLong();
            st.seen = in.readLong();
            st.epochSeconds = in.readDouble();
            int h = in.readInt();
            st.history.clear();
            for (int i = 0; i < h; i++) {
                st.history.add(new EpochResult(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
            }
            int np = in.readInt();
            if (np != params.size()) throw new org.tinyfit.data.DataException(file + " holds " + np + " params, the model has " + params.size() + "; use another --out directory");
            for (Param p : params) {
                int id = in.readInt();
                if (id != p.tensorId) throw new org.tinyfit.data.DataException(file + ": param for tensor " + id + " where the model has tensor " + p.tensorId);
                readFloats(in, p.value, file);
            }
            opt.step = in.readLong();
            int ns = in.readInt();
            if (ns != opt.slots.length) throw new org.tinyfit.data.DataException(file + ": optimizer state for " + ns + " params, expected " + opt.slots.length);
            for (float[][] slots : opt.slots) {
                int k = in.readInt();
                if (k != slots.length) throw new org.tinyfit.data.DataException(file + ": optimizer has " + k + " slots per param, expected " + slots.length + " (was another optimizer used?)");
                for (float[] s : slots) readFloats(in, s, file);
            }
        } catch (java.io.EOFException e) {
            throw new org.tinyfit.data.DataException(file + " is truncated (it ends before the checkpoint does); delete it to start over, or use another --out directory");
        }
        return true;
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        for (float f : v) out.writeInt(Float.floatToRawIntBits(f));
    }

    private static void readFloats(DataInputStream in, float[] into, Path file) throws IOException {
        int n = in.readInt();
        if (n != into.length) throw new org.tinyfit.data.DataException(file + ": an array of " + n + " values where " + into.length + " are expected");
        for (int i = 0; i < n; i++) into[i] = Float.intBitsToFloat(in.readInt());
    }
}
