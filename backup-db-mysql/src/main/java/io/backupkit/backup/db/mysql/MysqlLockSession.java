package io.backupkit.backup.db.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one JDBC session of a create or restore: the one that read the server's version is kept for
 * the target lock ({@code GET_LOCK}) that follows, and the session holding the lock serves the
 * check for other sessions before a restore. Saves a login each; a session nobody takes is closed
 * after {@link #OFFER_MILLIS}.
 */
final class MysqlLockSession {
    /** How long a session handed over by {@link #offer} waits for the lock before it is closed. */
    static final long OFFER_MILLIS = 10_000;

    /** How long the lock waits for a version read in flight (the two run concurrently in a create). */
    private static final long PENDING_MILLIS = 15_000;

    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "backupkit-mysql-session-closer");
        t.setDaemon(true);
        return t;
    });

    private Connection offered;
    private int pending;
    private Connection held;

    /** A version read starts logging in; it ends with {@link #offer} (its session, or null on failure). */
    synchronized void connecting() {
        pending++;
    }

    /** Keeps {@code c} for the lock that follows; null: the login failed. */
    void offer(Connection c) {
        Connection previous;
        synchronized (this) {
            pending--;
            previous = c == null ? null : offered;
            if (c != null) {
                offered = c;
            }
            notifyAll();
        }
        closeQuietly(previous);
        if (c == null) {
            return;
        }
        CLOSER.schedule(
                () -> {
                    synchronized (this) {
                        if (offered != c) {
                            return;
                        }
                        offered = null;
                    }
                    closeQuietly(c);
                },
                OFFER_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** The session offered (waiting for one being opened), if it is still usable. */
    synchronized Optional<Connection> take() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PENDING_MILLIS);
        try {
            while (offered == null && pending > 0 && deadline - System.nanoTime() > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        Connection c = offered;
        offered = null;
        try {
            return c != null && c.isValid(2) ? Optional.of(c) : Optional.empty();
        } catch (SQLException e) {
            closeQuietly(c);
            return Optional.empty();
        }
    }

    /** Marks {@code c} as the session holding the lock (null: released). */
    synchronized void hold(Connection c) {
        held = c;
    }

    /** The session holding the lock, while it is held. */
    synchronized Optional<Connection> held() {
        return Optional.ofNullable(held);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // gone already
        }
    }
}
