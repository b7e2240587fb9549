package io.backupkit.backup.db.mysql;

import static io.backupkit.backup.db.mysql.MysqlSql.q;

import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses to go on when the user could not dump everything: mysqldump silently leaves out the
 * triggers, routines and events the user may not see. A restore also needs to drop and create, and
 * to recreate objects other users defined (or the rollback snapshot could not be loaded back).
 */
final class MysqlPreflight {
    private MysqlPreflight() {}

    /** Throws, naming every missing privilege, unless {@code user} may dump (and restore) {@code db}. */
    static void checkPrivileges(Connection c, String db, String user, ProductVersion server, boolean forRestore)
            throws SQLException {
        String who = "user '" + user + "'";
        List<String> missing = new ArrayList<>();
        missingToDump(c, db, server, missing);
        if (forRestore) {
            missingToRestore(c, db, missing);
        }
        if (!missing.isEmpty()) {
            String msg = who + " lacks privileges on database '" + db + "' that a complete "
                    + (forRestore ? "restore" : "dump") + " needs: " + String.join("; ", missing)
                    + ". Grant them (GRANT ... ON `" + db + "`.* TO ...) or use an account that has them";
            if (forRestore) {
                throw new UnableToRestoreDatabaseException(msg + "; nothing was changed");
            }
            throw new UnableToDumpDatabaseException(msg);
        }
    }

    /** Events, triggers, and routines with their bodies. */
    private static void missingToDump(Connection c, String db, ProductVersion server, List<String> missing)
            throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW EVENTS FROM " + q(db))) {
            while (rs.next()) {
                // only whether it is allowed
            }
        } catch (SQLException e) {
            if (MysqlFailure.isPrivilegeError(e)) {
                missing.add("EVENT (to dump the events)");
            } else {
                throw e;
            }
        }
        if (!hasPrivilege(c, db, "TRIGGER")) {
            missing.add("TRIGGER (to see the triggers)");
        }
        boolean routinesVisible = hasPrivilege(c, db, "EXECUTE")
                || hasPrivilege(c, db, "ALTER ROUTINE")
                || hasPrivilege(c, db, "SHOW CREATE ROUTINE")
                || hasPrivilege(c, db, "SHOW_ROUTINE")
                || hasGlobalPrivilege(c, "SELECT")
                || (server.mariadb() && canRead(c, "SELECT 1 FROM mysql.proc LIMIT 1"));
        if (!routinesVisible) {
            missing.add("EXECUTE or ALTER ROUTINE (to see the stored procedures and functions)");
        } else {
            List<String> hidden = MysqlSql.names(
                    c,
                    "SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) FROM information_schema.ROUTINES"
                            + " WHERE ROUTINE_SCHEMA = ? AND ROUTINE_DEFINITION IS NULL",
                    db);
            if (!hidden.isEmpty()) {
                missing.add((server.mariadb()
                                ? "SELECT on mysql.proc or SHOW CREATE ROUTINE"
                                : "SHOW_ROUTINE or global SELECT")
                        + " (to read the bodies of " + String.join(", ", hidden) + ")");
            }
        }
    }

    /** Create and drop, and recreating what other users defined. */
    private static void missingToRestore(Connection c, String db, List<String> missing) throws SQLException {
        for (String priv : List.of("CREATE", "DROP")) {
            if (!hasPrivilege(c, db, priv)) {
                missing.add(priv + " (to replace the tables)");
            }
        }
        List<String> foreign = objectsOfOtherDefiners(c, db);
        if (!foreign.isEmpty()
                && List.of("SUPER", "SET USER", "SET_USER_ID", "SET_ANY_DEFINER").stream()
                        .noneMatch(p -> hasGlobalPrivilegeUnchecked(c, p))) {
            // the rollback snapshot could not be loaded back: refuse before anything is dropped
            missing.add("SET USER or SUPER (SET_ANY_DEFINER on MySQL) to recreate objects defined by other"
                    + " users: " + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                    + (foreign.size() > 5 ? ", ..." : ""));
        }
    }

    /** Views, routines, triggers and events of {@code db} whose DEFINER is not the current user. */
    private static List<String> objectsOfOtherDefiners(Connection c, String db) throws SQLException {
        String sql = "SELECT CONCAT('view ', TABLE_NAME, ' (', DEFINER, ')') FROM information_schema.VIEWS"
                + " WHERE TABLE_SCHEMA = ? AND DEFINER <> CURRENT_USER()"
                + " UNION ALL SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME, ' (', DEFINER, ')')"
                + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND DEFINER <> CURRENT_USER()"
                + " UNION ALL SELECT CONCAT('trigger ', TRIGGER_NAME, ' (', DEFINER, ')') FROM"
                + " information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND DEFINER <> CURRENT_USER()"
                + " UNION ALL SELECT CONCAT('event ', EVENT_NAME, ' (', DEFINER, ')') FROM information_schema.EVENTS"
                + " WHERE EVENT_SCHEMA = ? AND DEFINER <> CURRENT_USER()";
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, db);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static boolean hasGlobalPrivilegeUnchecked(Connection c, String privilege) {
        try {
            return hasGlobalPrivilege(c, privilege);
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean canRead(Connection c, String sql) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static final String GRANTEE = "CONCAT('''', SUBSTRING(CURRENT_USER(), 1, CHAR_LENGTH(CURRENT_USER())"
            + " - CHAR_LENGTH(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)) - 1), '''@''',"
            + " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";

    private static boolean hasGlobalPrivilege(Connection c, String privilege) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.USER_PRIVILEGES"
                + " WHERE GRANTEE = " + GRANTEE + " AND PRIVILEGE_TYPE = ?")) {
            ps.setString(1, privilege);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean hasPrivilege(Connection c, String db, String privilege) throws SQLException {
        if (hasGlobalPrivilege(c, privilege)) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES"
                + " WHERE GRANTEE = " + GRANTEE + " AND PRIVILEGE_TYPE = ? AND ? LIKE TABLE_SCHEMA")) {
            ps.setString(1, privilege);
            ps.setString(2, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
