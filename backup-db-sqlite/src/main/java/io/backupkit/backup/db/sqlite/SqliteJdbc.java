package io.backupkit.backup.db.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteOpenMode;

/**
 * The only class that touches xerial's sqlite-jdbc types, so the provider loads without the driver on
 * the class path ({@link SqliteDumperProvider} checks for it first).
 */
final class SqliteJdbc {
    static final String DRIVER_CLASS = "org.sqlite.JDBC";
    private static final int SQLITE_OK = 0;

    private SqliteJdbc() {}

    /**
     * Opens an existing database file (never creates one) with a bounded busy timeout; no other
     * setting is applied, so the connection changes nothing in the file.
     */
    static Connection open(Path file, Duration busyTimeout) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        return config.createConnection(SqliteLocation.PREFIX + file);
    }

    /**
     * Copies the database of {@code c} page for page into the (empty) file {@code target} with
     * SQLite's online backup API, in one step: with {@code c} inside a read transaction the copy is
     * that transaction's snapshot.
     */
    static void backup(Connection c, Path target) throws SQLException {
        SQLiteConnection connection = c.unwrap(SQLiteConnection.class);
        int rc = connection.getDatabase().backup("main", target.toString(), null, 50, 3, -1);
        if (rc != SQLITE_OK) {
            throw new SQLException("sqlite3_backup to " + target + " failed with result code " + rc, null, rc);
        }
    }

    /** The driver's version, e.g. {@code 3.54.1.0}. */
    static String driverVersion(Connection c) throws SQLException {
        return c.getMetaData().getDriverVersion();
    }
}
