package io.backupkit.backup.db.postgres;

import io.backupkit.backup.DatabaseInUseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.support.ClosingSessions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The other sessions on the database a restore replaces: found before anything changes, then
 * refused (named, so the user knows what to stop) or ended when the restore was asked to.
 * backupkit's own sessions (application name {@code backupkit...}) are not counted.
 */
final class PgSessions {
    private static final String OTHERS = "SELECT pid, usename, application_name, state,"
            + " to_char(coalesce(state_change, backend_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
            + " FROM pg_catalog.pg_stat_activity"
            + " WHERE datname = pg_catalog.current_database() AND pid <> pg_catalog.pg_backend_pid()"
            + " AND backend_type = 'client backend' AND coalesce(application_name, '') NOT LIKE 'backupkit%'"
            + " ORDER BY pid";

    private PgSessions() {}

    /** One other session. */
    record Session(int pid, String user, String application, String state, String since) {
        String describe() {
            return "process " + pid + " (user " + user
                    + (application == null || application.isEmpty() ? "" : ", application '" + application + "'")
                    + ", " + (state == null ? "state unknown" : state) + " since " + since + ")";
        }
    }

    static List<Session> others(Connection c) throws SQLException {
        List<Session> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(OTHERS);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(
                        new Session(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        return found;
    }

    /**
     * Refuses the restore while other sessions use the database, or ends them when {@code
     * terminate}; changes nothing else.
     */
    static void handle(Connection c, boolean terminate, PgConnection where) {
        try {
            List<Session> others = others(c);
            if (!terminate) {
                others = ClosingSessions.settle(others, () -> others(c));
            }
            if (others.isEmpty()) {
                return;
            }
            List<String> lines = others.stream().map(Session::describe).toList();
            if (!terminate) {
                throw new DatabaseInUseException(
                        "database " + where.database() + " at " + where.where() + " has " + others.size()
                                + " other session(s): " + String.join("; ", lines) + ". Nothing was changed."
                                + " Stop the application (or its connection pool) first, or let the restore end"
                                + " these sessions (terminate sessions)",
                        lines);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)")) {
                for (Session s : others) {
                    ps.setInt(1, s.pid());
                    ps.executeQuery().close();
                }
            }
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot list or end the other sessions on " + where.database() + " at " + where.where() + " ("
                            + e.getMessage() + "); nothing was changed",
                    e);
        }
    }
}
