package org.tinyfit.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.tinyfit.data.DataException;
import org.tinyfit.search.SearchData;
import org.tinyfit.search.SearchException;
import org.tinyfit.search.SearchRun;

/**
 * How the search's data reach the executors. By path: every executor opens the same data spec
 * itself, so the path must name the same files on every node (shared storage, or a copy at the
 * same place). By broadcast: the driver reads the file once and Spark sends its bytes to each
 * executor, which writes them to a local temporary file and opens that; only for a single
 * {@code .csv} or {@code .npz} file of at most {@link #BROADCAST_LIMIT} bytes. Either way an
 * executor derives the search's data exactly as the driver does ({@link SearchRun#data}: same
 * limit, same seeded validation split, same normalization), once per executor.
 */
final class ShippedData implements Serializable {
    private static final long serialVersionUID = 1L;
    static final long BROADCAST_LIMIT = 64L << 20;

    /** The Spark setting that chooses: {@code path}, {@code broadcast} or {@code auto} (the default). */
    static final String SETTING = "spark.tinyfit.data";

    private final String spec;
    private final Integer limit;
    private final double validation;
    private final long seed;
    private final String fileName;
    private final Broadcast<byte[]> bytes;

    private ShippedData(String spec, Integer limit, double validation, long seed, String fileName, Broadcast<byte[]> bytes) {
        this.spec = spec;
        this.limit = limit;
        this.validation = validation;
        this.seed = seed;
        this.fileName = fileName;
        this.bytes = bytes;
    }

    /**
     * Chooses how to ship {@code o}'s data: {@code auto} broadcasts a small single file unless the
     * master runs everything in this JVM ({@code local...}), where the path is as good.
     */
    static ShippedData of(JavaSparkContext sc, SearchRun.Options o) {
        String how = sc.getConf().get(SETTING, "auto").toLowerCase(Locale.ROOT);
        Path file = file(o.data());
        boolean broadcastable = file != null && size(file) <= BROADCAST_LIMIT;
        boolean broadcast = switch (how) {
            case "path" -> false;
            case "broadcast" -> {
                if (!broadcastable) {
                    throw new SearchException(SETTING + "=broadcast: only a single .csv or .npz file of at most " + (BROADCAST_LIMIT >> 20)
                            + " MB is broadcast; " + o.data() + " is not one (put it on storage every node sees and use " + SETTING + "=path)");
                }
                yield true;
            }
            case "auto" -> broadcastable && !sc.master().startsWith("local");
            default -> throw new SearchException(SETTING + "=" + how + ": give path, broadcast or auto");
        };
        if (!broadcast) return new ShippedData(o.data(), o.limit(), o.validation(), o.seed(), null, null);
        try {
            return new ShippedData(o.data(), o.limit(), o.validation(), o.seed(), file.getFileName().toString(), sc.broadcast(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new SearchException("cannot read " + file + " to broadcast it: " + e.getMessage(), e);
        }
    }

    boolean broadcast() { return bytes != null; }

    /** The spec's file if it is one Spark may broadcast (a .csv or .npz file), else null. */
    private static Path file(String spec) {
        Path p = Path.of(org.tinyfit.data.Datasets.pathOf(spec));
        String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (name.endsWith(".csv") || name.endsWith(".npz")) ? p : null;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private String key() {
        return spec + "|" + limit + "|" + validation + "|" + seed + "|" + (bytes == null ? "path" : "broadcast " + bytes.id());
    }

    /** The executor's copy: the last data opened is kept, so a search's tasks read it once per executor. */
    private static String openedKey;
    private static SearchData opened;

    /** The search's data, as the driver has them. */
    SearchData open() {
        synchronized (ShippedData.class) {
            if (key().equals(openedKey)) return opened;
            String local = spec;
            if (bytes != null) {
                try {
                    Path dir = Files.createTempDirectory("tinyfit-data");
                    Path f = dir.resolve(fileName);
                    Files.write(f, bytes.value());
                    f.toFile().deleteOnExit();
                    dir.toFile().deleteOnExit();
                    int hash = spec.lastIndexOf('#');
                    local = f + (hash >= 0 ? spec.substring(hash) : "");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            SearchData data;
            try {
                data = SearchRun.data(local, limit, validation, seed);
            } catch (DataException e) {
                throw new SearchException("an executor cannot open the data: " + e.getMessage()
                        + (bytes == null ? " (executors read the data by path: put it where every node sees it at the same path)" : ""), e);
            }
            opened = data;
            openedKey = key();
            return data;
        }
    }
}
