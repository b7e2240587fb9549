package io.backupkit.backup.db.postgres;

import io.backupkit.backup.spi.support.ClosingSessions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the host wrote to the database since a restore, from the server's statistics: the rows
 * inserted, updated and deleted in its tables, catalogs included so that DDL shows, but not in
 * {@code pg_statistic} and {@code pg_statistic_ext_data}, which an automatic ANALYZE of the restored
 * tables writes, nor in the catalogs shared by all databases, which any session on the server writes
 * (CREATE DATABASE elsewhere). A backend adds its counts when it ends at the latest, which is why
 * the mark waits for the restore's own pg_restore sessions to leave and the rollback asks with no
 * other session on the database. Statistics reset (or lost in a crash) and dropped tables lower the count: cannot tell.
 *
 * <p>Mark: {@code pg3:<database oid>:<rows written>:<stats reset time or ->}.
 */
final class PgWrites {
    /** Opens a session on the database measured (the table statistics are per database). */
    @FunctionalInterface
    interface Login {
        Connection open() throws SQLException;
    }

    private final Login login;
    private final String database;

    PgWrites(Login login, String database) {
        this.login = login;
        this.database = database;
    }

    Optional<String> mark() {
        return read().map(Counts::mark);
    }

    Optional<String> since(String mark) {
        String[] p = mark.split(":", 4);
        if (p.length != 4 || !p[0].equals("pg3")) {
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
                    + " reset since or lost in a crash, or tables were dropped)");
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
            return "pg3:" + oid + ":" + rows + ":" + reset;
        }
    }

    private Optional<Counts> read() {
        try (Connection c = login.open();
                Statement st = c.createStatement()) {
            ClosingSessions.settle(restoreSessions(st), () -> restoreSessions(st));
            return counts(st);
        } catch (SQLException e) {
            throw new io.backupkit.backup.UnableToRestoreDatabaseException(
                    "cannot read the statistics of database " + database + ": " + e.getMessage(), e);
        }
    }

    /** The pg_restore sessions still on the database: their counts are added when they end. */
    private static List<Integer> restoreSessions(Statement st) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT pid FROM pg_catalog.pg_stat_activity"
                + " WHERE datname = pg_catalog.current_database() AND application_name = 'pg_restore'"
                + " AND pid <> pg_catalog.pg_backend_pid()")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    private static Optional<Counts> counts(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT d.oid::text,"
                + " (SELECT coalesce(sum(t.n_tup_ins + t.n_tup_upd + t.n_tup_del), 0)"
                + " FROM pg_catalog.pg_stat_all_tables t WHERE t.relid NOT IN"
                + " (SELECT unnest(ARRAY[c.oid, c.reltoastrelid]) FROM pg_catalog.pg_class c"
                + " WHERE c.relisshared OR (c.relnamespace = 'pg_catalog'::regnamespace"
                + " AND c.relname IN ('pg_statistic', 'pg_statistic_ext_data')))),"
                + " coalesce(extract(epoch FROM s.stats_reset)::text, '-')"
                + " FROM pg_catalog.pg_database d LEFT JOIN pg_catalog.pg_stat_database s ON s.datid = d.oid"
                + " WHERE d.datname = pg_catalog.current_database()")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Counts(rs.getString(1), rs.getLong(2), rs.getString(3)));
        }
    }
}
