package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import java.sql.SQLException;
import java.util.List;

/**
 * Why talking to the server or a tool failed, from a JDBC error code or a tool's stderr, as the
 * exception that tells the user what to do. Messages pass {@link MysqlConnection#safe} first.
 */
final class MysqlFailure {
    private MysqlFailure() {}

    /** A failed login or server read. */
    static BackupException connect(MysqlConnection connection, SQLException e, boolean forRestore) {
        String msg;
        int code = e.getErrorCode();
        if (MysqlConnection.isNoDriver(e)) {
            msg = "no JDBC driver for " + connection.safeUrl()
                    + " on the class path; add org.mariadb.jdbc:mariadb-java-client"
                    + " (or MySQL Connector/J) to the application";
        } else if (code == 1045) {
            msg = "the server at " + connection.where() + " refused the login of user '" + connection.user()
                    + "' (wrong password or unknown user): check the database user and password";
        } else if (code == 1049) {
            msg = "database '" + connection.database() + "' does not exist at " + connection.where()
                    + ": create it or fix the database name in the URL";
        } else if (code == 1044) {
            msg = "user '" + connection.user() + "' has no access to database '" + connection.database() + "' at "
                    + connection.where() + ": grant it or use another account";
        } else if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            msg = "cannot connect to the database server at " + connection.where() + " ("
                    + connection.safe(e.getMessage()) + "): is it running and reachable? Check the database URL";
        } else {
            msg = "cannot read the database server at " + connection.where() + ": " + connection.safe(e.getMessage());
        }
        return forRestore
                ? new UnableToRestoreDatabaseException(msg + "; nothing was changed", e)
                : new UnableToDumpDatabaseException(msg, e);
    }

    /** The dump tool exited {@code rc}. */
    static UnableToDumpDatabaseException dump(MysqlConnection connection, String tool, int rc, String stderr) {
        String err = connection.safe(stderr);
        String hint;
        if (err.contains("1045")) {
            hint = "the server refused the login of user '" + connection.user()
                    + "': check the database user and password";
        } else if (err.contains("1049")) {
            hint = "database '" + connection.database() + "' does not exist at " + connection.where()
                    + ": check the database URL";
        } else if (err.contains("1044") || err.contains("1142") || err.contains("1227") || err.contains("1370")) {
            hint = "user '" + connection.user()
                    + "' lacks a privilege the dump needs (SELECT, SHOW VIEW, TRIGGER, EVENT, and"
                    + " reading routine bodies on '" + connection.database() + "')";
        } else if (err.contains("insufficient privileges")) {
            hint = "user '" + connection.user()
                    + "' may not read the stored routines' bodies; grant SELECT on mysql.proc"
                    + " (MariaDB < 11.3), SHOW CREATE ROUTINE (MariaDB 11.3+) or SHOW_ROUTINE (MySQL), or dump as"
                    + " their definer";
        } else if (err.contains("2002") || err.contains("2003") || err.contains("2005")) {
            hint = "cannot connect to the server at " + connection.where() + ": is it running and reachable?";
        } else {
            hint = "see the tool's message";
        }
        return new UnableToDumpDatabaseException(
                tool + " failed with exit code " + rc + ": " + hint + ". " + tool + " said: " + tailOrNothing(err));
    }

    /** What to grant when {@code e} is a missing privilege. */
    static String sqlHint(SQLException e) {
        return isPrivilegeError(e) ? " (a missing privilege: grant DROP on the database)" : "";
    }

    static boolean isPrivilegeError(SQLException e) {
        int code = e.getErrorCode();
        return code == 1044 || code == 1142 || code == 1227 || code == 1370 || code == 1045;
    }

    /** A throwable's message, or its class when it has none. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The client's {@code ERROR ...} lines if it printed any (it also echoes the failed statement). */
    static String errorSummary(String stderr) {
        List<String> errors = stderr.lines()
                .filter(l -> l.startsWith("ERROR") || l.contains(": Got error") || l.contains("Couldn't"))
                .toList();
        return errors.isEmpty() ? tailOrNothing(stderr) : String.join(" / ", errors);
    }

    /** A tool's stderr, or "(no message)". */
    static String tailOrNothing(String s) {
        return s == null || s.isBlank() ? "(no message)" : s;
    }
}
