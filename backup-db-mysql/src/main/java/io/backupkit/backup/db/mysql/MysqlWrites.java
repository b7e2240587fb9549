package io.backupkit.backup.db.mysql;

import io.backupkit.backup.UnableToRestoreDatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the host wrote to the database since a restore: tables whose {@code UPDATE_TIME} or
 * {@code CREATE_TIME} is later than the mark, and the count of tables and routines (something
 * dropped). InnoDB keeps {@code UPDATE_TIME} in memory only, so a server restarted since cannot
 * tell; the time resolution is a second.
 *
 * <p>Mark: {@code my1:<server start, epoch seconds>:<now, epoch seconds>:<tables>:<routines>}.
 */
final class MysqlWrites {
    private static final int NAMED = 3;

    /** Opens a session to the server. */
    @FunctionalInterface
    interface Login {
        Connection open() throws SQLException;
    }

    private final Login login;
    private final String database;

    MysqlWrites(Login login, String database) {
        this.login = login;
        this.database = database;
    }

    Optional<String> mark() {
        try (Connection c = login.open()) {
            long[] clock = clock(c);
            return Optional.of("my1:" + clock[0] + ":" + clock[1] + ":" + count(c, TABLES) + ":" + count(c, ROUTINES));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    Optional<String> since(String mark) {
        String[] p = mark.split(":");
        if (p.length != 5 || !p[0].equals("my1")) {
            return Optional.of("cannot tell what was written since the restore (an unknown mark " + mark + ")");
        }
        try (Connection c = login.open()) {
            long[] clock = clock(c);
            if (Math.abs(clock[0] - Long.parseLong(p[1])) > 2) {
                return Optional.of("cannot tell what was written since the restore (the server restarted since,"
                        + " and it forgets when tables were last written)");
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET SESSION information_schema_stats_expiry = 0"); // MySQL 8 caches the times
            } catch (SQLException notMysql8) {
                // MariaDB reads them fresh
            }
            List<String> written = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = ? AND (UPDATE_TIME > FROM_UNIXTIME(?) OR CREATE_TIME > FROM_UNIXTIME(?))"
                    + " ORDER BY TABLE_NAME")) {
                ps.setString(1, database);
                ps.setLong(2, Long.parseLong(p[2]));
                ps.setLong(3, Long.parseLong(p[2]));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        written.add(rs.getString(1));
                    }
                }
            }
            boolean dropped = count(c, TABLES) != Long.parseLong(p[3]) || count(c, ROUTINES) != Long.parseLong(p[4]);
            if (written.isEmpty() && !dropped) {
                return Optional.empty();
            }
            List<String> what = new ArrayList<>();
            if (!written.isEmpty()) {
                what.add(written.size() + " table(s) written or created since the restore ("
                        + String.join(", ", written.subList(0, Math.min(NAMED, written.size())))
                        + (written.size() > NAMED ? ", ..." : "") + ")");
            }
            if (dropped) {
                what.add("tables, views or routines created or dropped since the restore");
            }
            return Optional.of(String.join("; ", what));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static final String TABLES = "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?";
    private static final String ROUTINES = "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?";

    private long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The server's start and its clock now, in epoch seconds. */
    private static long[] clock(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            long now;
            try (ResultSet rs = st.executeQuery("SELECT UNIX_TIMESTAMP()")) {
                rs.next();
                now = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Uptime'")) {
                rs.next();
                return new long[] {now - rs.getLong(2), now};
            }
        }
    }

    private UnableToRestoreDatabaseException failure(SQLException e) {
        return new UnableToRestoreDatabaseException(
                "cannot read when the tables of database '" + database + "' were last written: " + e.getMessage(), e);
    }
}
