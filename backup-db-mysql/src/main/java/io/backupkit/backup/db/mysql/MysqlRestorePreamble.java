package io.backupkit.backup.db.mysql;

import static io.backupkit.backup.db.mysql.MysqlSql.q;

import io.backupkit.backup.UnableToRestoreDatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What runs before a dump is loaded: every object of the database is dropped (events, routines,
 * views, tables and sequences), so that objects created after the backup are gone. Not
 * transactional (MariaDB and MySQL DDL commits at once): the rollback snapshot is the way back.
 */
final class MysqlRestorePreamble {
    private MysqlRestorePreamble() {}

    /** Drops every object of the database; waits at most {@code lockWaitSeconds} for each lock. */
    static void emptyDatabase(MysqlConnection connection, long lockWaitSeconds) {
        String db = connection.database();
        try (Connection c = connection.connect();
                Statement s = c.createStatement()) {
            s.execute("SET SESSION FOREIGN_KEY_CHECKS = 0");
            s.execute("SET SESSION lock_wait_timeout = " + lockWaitSeconds);
            dropEach(c, s, db, "EVENT", "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?");
            for (String[] r : MysqlSql.rows(
                    c,
                    "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM"
                            + " information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE DESC",
                    db)) {
                // ORDER BY type DESC: PROCEDURE, PACKAGE BODY, PACKAGE, FUNCTION (a body before its package)
                s.execute("DROP " + r[0] + " IF EXISTS " + q(db) + "." + q(r[1]));
            }
            dropEach(c, s, db, "VIEW", "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?");
            for (String[] table : MysqlSql.rows(
                    c,
                    "SELECT TABLE_NAME, TABLE_TYPE FROM"
                            + " information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW'",
                    db)) {
                String kind = "SEQUENCE".equals(table[1]) ? "SEQUENCE" : "TABLE";
                s.execute("DROP " + kind + " IF EXISTS " + q(db) + "." + q(table[0]));
            }
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot empty database '" + db + "' before loading the dump: " + connection.safe(e.getMessage())
                            + MysqlFailure.sqlHint(e),
                    e);
        }
    }

    /** {@code DROP <kind> IF EXISTS} for each name {@code sql} lists. */
    private static void dropEach(Connection c, Statement s, String db, String kind, String sql) throws SQLException {
        for (String name : MysqlSql.names(c, sql, db)) {
            s.execute("DROP " + kind + " IF EXISTS " + q(db) + "." + q(name));
        }
    }
}
