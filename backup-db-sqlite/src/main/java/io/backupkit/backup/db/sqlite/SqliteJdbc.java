package io.backupkit.backup.db.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;
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
     * Opens an existing database file (never creates one) that waits at most {@code busyTimeout} for
     * another connection's lock; no other setting is applied, so the connection changes nothing in the
     * file.
     */
    static Connection open(Path file, Duration busyTimeout) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        Connection c = config.createConnection(SqliteLocation.PREFIX + file);
        try {
            BusyHandler.setHandler(c, new PollingBusyHandler(busyTimeout));
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Retries a lock every half millisecond until the deadline or an interrupt. SQLite's own busy
     * timeout backs off to 100 ms sleeps, and a host that commits back to back in rollback-journal
     * mode leaves gaps far shorter than that: the snapshot would wait for the whole timeout.
     */
    private static final class PollingBusyHandler extends BusyHandler {
        private final long timeoutNanos;
        private long deadline;

        PollingBusyHandler(Duration timeout) {
            this.timeoutNanos = timeout.toNanos();
        }

        @Override
        protected int callback(int previousCalls) {
            long now = System.nanoTime();
            if (previousCalls == 0) {
                deadline = now + timeoutNanos;
            }
            if (now - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return 0;
            }
            LockSupport.parkNanos(500_000);
            return 1;
        }
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
