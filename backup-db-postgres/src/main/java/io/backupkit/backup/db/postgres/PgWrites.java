package io.backupkit.backup.db.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Whether the host wrote to the database since a restore, from the server's statistics: the rows
 * inserted, updated and deleted in it ({@code pg_stat_database}, which counts catalog rows too, so
 * DDL shows). A backend adds its counts when it ends at the latest, which is why the rollback asks
 * with no other session on the database. Statistics reset or lost in a crash cannot tell.
 *
 * <p>Mark: {@code pg1:<database oid>:<rows written>:<stats reset time or ->}.
 */
final class PgWrites {
    /** Opens a session on a maintenance database (not the one measured). */
    @FunctionalInterface
    interface Admin {
        Connection open() throws SQLException;
    }

    private final Admin admin;
    private final String database;

    PgWrites(Admin admin, String database) {
        this.admin = admin;
        this.database = database;
    }

    Optional<String> mark() {
        return read().map(Counts::mark);
    }

    Optional<String> since(String mark) {
        String[] p = mark.split(":", 4);
        if (p.length != 4 || !p[0].equals("pg1")) {
            return Optional.of("cannot tell what was written since the restore (an unknown mark " + mark + ")");
        }
        Optional<Counts> now = read();
        if (now.isEmpty()) {
            return Optional.of(
                    "cannot tell what was written since the restore (database " + database + " has no statistics)");
        }
        Counts c = now.get();
        if (!c.oid.equals(p[1])) {
            return Optional.of("database " + database + " is not the one the restore left (it was dropped and"
                    + " created again since)");
        }
        long before = Long.parseLong(p[2]);
        if (!c.reset.equals(p[3]) || c.rows < before) {
            return Optional.of("cannot tell what was written since the restore (the server's statistics were"
                    + " reset since, or lost in a crash)");
        }
        long written = c.rows - before;
        return written == 0
                ? Optional.empty()
                : Optional.of(
                        "about " + written + " row(s) inserted, updated or deleted since the restore (the server's"
                                + " statistics, which count schema changes as rows too)");
    }

    private record Counts(String oid, long rows, String reset) {
        String mark() {
            return "pg1:" + oid + ":" + rows + ":" + reset;
        }
    }

    private Optional<Counts> read() {
        try (Connection c = admin.open();
                PreparedStatement ps = c.prepareStatement("SELECT d.oid::text,"
                        + " coalesce(s.tup_inserted + s.tup_updated + s.tup_deleted, 0),"
                        + " coalesce(extract(epoch FROM s.stats_reset)::text, '-')"
                        + " FROM pg_catalog.pg_database d LEFT JOIN pg_catalog.pg_stat_database s ON s.datid = d.oid"
                        + " WHERE d.datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Counts(rs.getString(1), rs.getLong(2), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw new io.backupkit.backup.UnableToRestoreDatabaseException(
                    "cannot read the statistics of database " + database + ": " + e.getMessage(), e);
        }
    }
}
