package org.tinyfit.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The search's record of every candidate, in a SQLite file: each row is committed (synchronously,
 * write-ahead log) the moment the candidate is done, so a search killed at any moment loses no
 * finished evaluation, and a restarted one reads them back instead of repeating them. The first
 * row of {@code meta} fixes what search the file belongs to. A trained candidate's row holds its trained parameters
 * too (what its children inherit), written in the same statement. Table {@code rungs} holds the first
 * rung of successive halving of each candidate that had one (accuracy, model, and the checkpoint
 * the next rung goes on from), written as soon as the rung is done, before the candidate's row.
 */
public final class Journal implements AutoCloseable {
    private final Connection db;
    private final Path file;

    private Journal(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /**
     * Opens (or creates) the journal at {@code file} for the search described by {@code fingerprint};
     * a journal of another search is refused.
     */
    public static Journal open(Path file, String fingerprint) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS candidates(id INTEGER PRIMARY KEY, parent INTEGER NOT NULL, genome TEXT NOT NULL,"
                        + " seed INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT, sram INTEGER, stored_sram INTEGER, flash INTEGER,"
                        + " macs INTEGER, params INTEGER, latency_ms REAL, val_accuracy REAL, model BLOB, seconds REAL,"
                        + " weights BLOB)");
                try {
                    s.execute("ALTER TABLE candidates ADD COLUMN weights BLOB");
                } catch (SQLException alreadyThere) {
                    // a journal written since candidates keep their weights
                }
                s.execute("CREATE TABLE IF NOT EXISTS rungs(id INTEGER NOT NULL, rung INTEGER NOT NULL, epochs INTEGER NOT NULL,"
                        + " val_accuracy REAL NOT NULL, model BLOB NOT NULL, checkpoint BLOB, seconds REAL NOT NULL, PRIMARY KEY(id, rung))");
            }
            Journal j = new Journal(file, db);
            String existing = j.meta("search");
            if (existing == null) {
                try (PreparedStatement p = db.prepareStatement("INSERT INTO meta(key, value) VALUES('search', ?)")) {
                    p.setString(1, fingerprint);
                    p.executeUpdate();
                }
            } else if (!existing.equals(fingerprint)) {
                j.close();
                throw new SearchException("the journal " + file + " belongs to another search (" + existing + "); give another --out, or delete it to start over");
            }
            return j;
        } catch (SQLException | java.io.IOException e) {
            throw new SearchException("cannot use the journal " + file + ": " + e.getMessage(), e);
        }
    }

    private String meta(String key) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) { return r.next() ? r.getString(1) : null; }
        }
    }

    public Path file() { return file; }

    /** Writes one finished candidate, durably. */
    public void put(Record r) {
        Footprint f = r.footprint();
        Evaluation e = r.evaluation();
        try (PreparedStatement p = db.prepareStatement("INSERT INTO candidates(id, parent, genome, seed, status, reason, sram, stored_sram, flash,"
                + " macs, params, latency_ms, val_accuracy, model, seconds, weights) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            p.setInt(1, r.candidate().id());
            p.setInt(2, r.candidate().parent());
            p.setString(3, r.candidate().genome().toJson());
            p.setLong(4, r.candidate().seed());
            p.setString(5, r.status().name());
            p.setString(6, r.reason());
            p.setLong(7, f.sramBytes());
            p.setLong(8, f.storedOrderSramBytes());
            p.setLong(9, f.flashBytes());
            p.setLong(10, f.macs());
            p.setLong(11, f.parameters());
            p.setDouble(12, f.latencyMillis());
            if (e == null) {
                p.setNull(13, java.sql.Types.REAL);
                p.setNull(14, java.sql.Types.BLOB);
                p.setNull(15, java.sql.Types.REAL);
                p.setNull(16, java.sql.Types.BLOB);
            } else {
                p.setDouble(13, e.valAccuracy());
                p.setBytes(14, e.model());
                p.setDouble(15, e.seconds());
                p.setBytes(16, e.weights());
            }
            p.executeUpdate();
        } catch (SQLException ex) {
            throw new SearchException("cannot write candidate " + r.candidate().id() + " to the journal " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Writes the first rung of candidate {@code e.id()} (trained to {@code epochs} epochs), durably. */
    public void putRung(int rung, int epochs, Evaluation e) {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO rungs(id, rung, epochs, val_accuracy, model, checkpoint, seconds)"
                + " VALUES(?,?,?,?,?,?,?)")) {
            p.setInt(1, e.id());
            p.setInt(2, rung);
            p.setInt(3, epochs);
            p.setDouble(4, e.valAccuracy());
            p.setBytes(5, e.model());
            p.setBytes(6, e.checkpoint());
            p.setDouble(7, e.seconds());
            p.executeUpdate();
        } catch (SQLException ex) {
            throw new SearchException("cannot write rung " + rung + " of candidate " + e.id() + " to the journal " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Every candidate's rung {@code rung} written so far, by candidate id. */
    public java.util.SortedMap<Integer, Evaluation> rungs(int rung) {
        java.util.SortedMap<Integer, Evaluation> out = new java.util.TreeMap<>();
        try (PreparedStatement p = db.prepareStatement("SELECT id, val_accuracy, model, seconds, checkpoint FROM rungs WHERE rung = ? ORDER BY id")) {
            p.setInt(1, rung);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) out.put(r.getInt(1), new Evaluation(r.getInt(1), r.getDouble(2), r.getBytes(3), r.getDouble(4), r.getBytes(5)));
            }
        } catch (SQLException ex) {
            throw new SearchException("cannot read the journal " + file + ": " + ex.getMessage(), ex);
        }
        return out;
    }

    /** Every candidate written so far, by id. */
    public List<Record> all() {
        List<Record> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT id, parent, genome, seed, status, reason, sram, stored_sram,"
                + " flash, macs, params, latency_ms, val_accuracy, model, seconds, weights FROM candidates ORDER BY id")) {
            while (r.next()) {
                Candidate c = new Candidate(r.getInt(1), r.getInt(2), Genome.fromJson(r.getString(3)), r.getLong(4));
                Record.Status status = Record.Status.valueOf(r.getString(5));
                Footprint f = new Footprint(r.getLong(7), r.getLong(8), r.getLong(9), r.getLong(10), r.getLong(11), r.getDouble(12));
                Evaluation e = status != Record.Status.REJECTED ? new Evaluation(c.id(), r.getDouble(13), r.getBytes(14), r.getDouble(15), null, r.getBytes(16)) : null;
                out.add(new Record(c, status, r.getString(6), f, e));
            }
        } catch (SQLException ex) {
            throw new SearchException("cannot read the journal " + file + ": " + ex.getMessage(), ex);
        }
        return out;
    }

    @Override public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new SearchException("cannot close the journal " + file + ": " + e.getMessage(), e);
        }
    }
}
