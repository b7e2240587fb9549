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

    /**
     * For a create's version read: the session holding the lock when the lock came first (read on
     * it, no login). Otherwise empty, and the caller logs in and ends with {@link #offer} (its
     * session, or null on failure). A login in flight, the lock's or another read's, is waited for
     * first: the two run concurrently in a create, and one login serves both.
     */
    synchronized Optional<Connection> borrowHeldOrLogIn() {
        awaitLogins();
        if (held != null) {
            return Optional.of(held);
        }
        pending++;
        return Optional.empty();
    }

    private synchronized void awaitLogins() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PENDING_MILLIS);
        try {
            while (pending > 0 && deadline - System.nanoTime() > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /**
     * For the lock: the session offered (waiting for a login in flight), if usable; else empty,
     * and the lock's own login counts as in flight until {@link #loggedIn()}.
     */
    synchronized Optional<Connection> takeOrLogIn() {
        Optional<Connection> c = take();
        if (c.isEmpty()) {
            pending++;
        }
        return c;
    }

    /** The lock's own login is over (its session held, or not). */
    synchronized void loggedIn() {
        pending--;
        notifyAll();
    }

    /** The session offered (waiting for a login in flight), if it is still usable. */
    synchronized Optional<Connection> take() {
        awaitLogins();
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
