package io.backupkit.backup.spi.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One JDBC session shared by the server read and the target lock of a create or restore, which run
 * concurrently: whichever logs in first serves the other (one login less). The reader ends with
 * {@link #offer}; the lock takes it or logs in, then {@link #hold}s its session. A session offered
 * and not taken is closed after {@link #OFFER_MILLIS}.
 */
public final class SessionHandOver {
    /** How long a session handed over by {@link #offer} waits for the lock before it is closed. */
    public static final long OFFER_MILLIS = 10_000;

    /** How long a taker waits for a login in flight (a driver's connect timeout is about 10 s). */
    private static final long PENDING_MILLIS = 15_000;

    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "backupkit-session-closer");
        t.setDaemon(true);
        return t;
    });

    private Connection offered;
    /** Logins in flight, whose session the other side waits for rather than logging in too. */
    private int pending;
    /** The session holding the lock, while it is held. */
    private Connection held;

    /**
     * For the server read: the session holding the lock when the lock came first (read on it, no
     * login). Otherwise empty, and the caller logs in and ends with {@link #offer} (its session, or
     * null on failure). A login in flight, the lock's or another read's, is waited for first.
     */
    public synchronized Optional<Connection> borrowHeldOrLogIn() {
        awaitLogins();
        if (held != null) {
            return Optional.of(held);
        }
        pending++;
        return Optional.empty();
    }

    /** Waits, at most {@link #PENDING_MILLIS}, while a login is in flight. */
    private synchronized void awaitLogins() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PENDING_MILLIS);
        try {
            while (pending > 0 && deadline - System.nanoTime() > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's login then fails as cancelled
        }
    }

    /** Keeps {@code c} for the lock that follows; null: the login failed, nothing to keep. */
    public void offer(Connection c) {
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
     * For the lock: the session offered (waiting for a login in flight), if usable; else empty, and
     * the lock's own login counts as in flight until {@link #loggedIn()}.
     */
    public synchronized Optional<Connection> takeOrLogIn() {
        Optional<Connection> c = take();
        if (c.isEmpty()) {
            pending++;
        }
        return c;
    }

    /** The lock's own login is over (its session held, or not): call it after {@link #hold}. */
    public synchronized void loggedIn() {
        pending--;
        notifyAll();
    }

    /** The session offered (waiting for a login in flight), if it is still usable. */
    public synchronized Optional<Connection> take() {
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

    /** Marks {@code c} as the session holding the lock. */
    public synchronized void hold(Connection c) {
        held = c;
    }

    /** No session holds the lock any more; returns the one that did, or null (the caller closes it). */
    public synchronized Connection release() {
        Connection c = held;
        held = null;
        return c;
    }

    /** The session holding the lock, while it is held. */
    public synchronized Optional<Connection> held() {
        return Optional.ofNullable(held);
    }

    /** Closes {@code c} (null: nothing); ending the session releases what it held on the server. */
    public static void closeQuietly(Connection c) {
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
