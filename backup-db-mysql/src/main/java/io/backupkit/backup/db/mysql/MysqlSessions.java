package io.backupkit.backup.db.mysql;

import io.backupkit.backup.DatabaseInUseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.support.ClosingSessions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The other sessions on the database a restore replaces: found before anything changes, then
 * refused (named) or ended when the restore was asked to. The session holding backupkit's own
 * target lock is not counted.
 */
final class MysqlSessions {
    private static final String OTHERS =
            "SELECT ID, USER, HOST, COMMAND, TIME, STATE FROM information_schema.PROCESSLIST"
                    + " WHERE DB = ? AND ID <> CONNECTION_ID() AND ID <> COALESCE(IS_USED_LOCK(?), 0)"
                    + " AND COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Killed') ORDER BY ID";

    private MysqlSessions() {}

    /** One other session. */
    record Session(long id, String user, String host, String command, long seconds, String state) {
        String describe(Instant now) {
            return "connection " + id + " (user " + user + "@" + host + ", " + command
                    + (state == null || state.isEmpty() ? "" : " " + state) + " since "
                    + now.minusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS) + ")";
        }
    }

    static List<Session> others(Connection c, String database, String lockName) throws SQLException {
        List<Session> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(OTHERS)) {
            ps.setString(1, database);
            ps.setString(2, lockName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Session(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getLong(5),
                            rs.getString(6)));
                }
            }
        }
        return found;
    }

    /** Refuses the restore while other sessions use the database, or ends them when {@code terminate}. */
    static void handle(Connection c, boolean terminate, String database, String lockName) {
        try {
            List<Session> others = others(c, database, lockName);
            if (!terminate) {
                others = ClosingSessions.settle(others, () -> others(c, database, lockName));
            }
            if (others.isEmpty()) {
                return;
            }
            Instant now = Instant.now();
            List<String> lines = others.stream().map(s -> s.describe(now)).toList();
            if (!terminate) {
                throw new DatabaseInUseException(
                        "database '" + database + "' has " + others.size() + " other session(s): "
                                + String.join("; ", lines) + ". Nothing was changed. Stop the application (or its"
                                + " connection pool) first, or let the restore end these sessions (terminate"
                                + " sessions)",
                        lines);
            }
            try (Statement st = c.createStatement()) {
                for (Session s : others) {
                    try {
                        st.execute("KILL CONNECTION " + s.id());
                    } catch (SQLException gone) {
                        // it ended by itself meanwhile
                    }
                }
            }
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot list or end the other sessions on database '" + database + "' (" + e.getMessage()
                            + "); nothing was changed",
                    e);
        }
    }
}
