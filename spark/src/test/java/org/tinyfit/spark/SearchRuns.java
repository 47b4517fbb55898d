package org.tinyfit.spark;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.search.Limits;
import org.tinyfit.search.SearchRun;

/** A short search on the shared credit data, and its journal read back row by row. */
final class SearchRuns {
    private SearchRuns() {}

    static final Device NANO = DeviceCatalog.builtin().find("arduino-nano-33-ble-sense");

    static String credit() {
        return Path.of(System.getProperty("tinyfit.shared", "../shared"), "data", "credit-default.csv").toAbsolutePath().normalize() + "#test=5:4";
    }

    /** {@code candidates} trained in generations of {@code parallel}, on {@code limit} samples. */
    static SearchRun.Options options(Path out, int candidates, int parallel, int limit) {
        return new SearchRun.Options(credit(), NANO, new Limits(16 * 1024, 64 * 1024, 0, "tflm"), out, 5, parallel, 0, candidates, 2, limit, 0.2);
    }

    /** Every journal row but the seconds it took: candidate, parent, genome, seed, status, footprint, accuracy and the model's bytes. */
    static List<String> journal(Path db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, parent, genome, seed, status, reason, sram, stored_sram, flash, macs, params, latency_ms,"
                     + " val_accuracy, model FROM candidates ORDER BY id")) {
            while (r.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= 13; i++) b.append(r.getString(i)).append(' ');
                byte[] model = r.getBytes(14);
                rows.add(b.append(model == null ? "-" : HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(model)))
                        .toString());
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
