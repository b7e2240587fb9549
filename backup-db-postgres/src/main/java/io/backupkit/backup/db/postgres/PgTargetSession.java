package io.backupkit.backup.db.postgres;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseDumper.TargetLock;
import io.backupkit.backup.spi.support.SessionHandOver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine needs from the server around a restore, over JDBC: the advisory lock on the
 * database, the id of the restore's transaction before it commits, and after a crash whether that
 * transaction committed. Without a PostgreSQL JDBC driver none of it is available (logged once).
 */
final class PgTargetSession {
    private static final Logger LOG = LoggerFactory.getLogger(PgTargetSession.class);
    /** The advisory lock's key pair: advisory locks are per database, so one constant pair serves all. */
    private static final int LOCK_CLASS = 0x626b7570; // "bkup"

    private static final int LOCK_OBJECT = 1;

    /** How long a session handed over by {@link #offer} waits for {@link #lock()} before it is closed. */
    static final long OFFER_MILLIS = SessionHandOver.OFFER_MILLIS;

    private final Function<String, Optional<Connection>> connect;
    private final PgConnection where;
    /** The description's session kept for the lock that follows, and the lock's session. */
    private final SessionHandOver session = new SessionHandOver();

    PgTargetSession(Function<String, Optional<Connection>> connect, PgConnection where) {
        this.connect = connect;
        this.where = where;
    }

    /** The application name of the lock's session (backupkit's own sessions are not counted as others). */
    static String lockSessionName() {
        return "backupkit-lock pid " + ProcessHandle.current().pid();
    }

    /** For a create's description: see {@link SessionHandOver#borrowHeldOrLogIn()}. */
    Optional<Connection> borrowHeldOrLogIn() {
        return session.borrowHeldOrLogIn();
    }

    /** Keeps {@code c}, a session just used to describe the server, for the {@link #lock()} that follows. */
    void offer(Connection c) {
        session.offer(c);
    }

    /** The session holding the lock, for the checks before a restore (no login of their own). */
    Optional<Connection> held() {
        return session.held();
    }

    /**
     * Ends the lock's session for a moment: renaming the database needs every session on it gone,
     * this one included. {@link #resume()} takes the lock again on the database then named so.
     */
    void suspend() {
        closeQuietly(session.release());
    }

    /** Takes the lock again after {@link #suspend()}; a failure is logged (the media folder's lock still holds). */
    void resume(boolean wasHeld) {
        if (!wasHeld) {
            return;
        }
        try {
            lock();
        } catch (RuntimeException e) {
            LOG.warn("could not take the advisory lock on {} again after the swap: {}", where, e.getMessage());
        }
    }

    boolean isHeld() {
        return session.held().isPresent();
    }

    /** {@code pg_try_advisory_lock} on a session of its own; advisory locks block no DDL or DML. */
    TargetLock lock() {
        Optional<Connection> taken = session.takeOrLogIn();
        try {
            return lock(taken.isPresent() ? taken : connect.apply(lockSessionName()));
        } finally {
            if (taken.isEmpty()) {
                session.loggedIn(); // after held is set: a description waiting reads on it
            }
        }
    }

    private TargetLock lock(Optional<Connection> opened) {
        if (opened.isEmpty()) {
            LOG.info("no PostgreSQL JDBC driver: {} is not locked against a second backup or restore", where);
            return TargetLock.NONE;
        }
        Connection c = opened.get();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT pg_catalog.pg_try_advisory_lock(" + LOCK_CLASS + ", " + LOCK_OBJECT + ")")) {
            rs.next();
            if (rs.getBoolean(1)) {
                session.hold(c);
                return () -> { // the session's end releases the lock
                    // retaken by resume() after a keep-aside swap: this operation's too
                    Connection retaken = session.release();
                    closeQuietly(c);
                    if (retaken != null && retaken != c) {
                        closeQuietly(retaken);
                    }
                };
            }
            String holder = holder(c);
            closeQuietly(c);
            throw new BackupInProgressException(
                    holder,
                    null,
                    "another backup or restore of database " + where.database() + " at " + where.where()
                            + " is running (" + holder + "); wait for it to finish and try again");
        } catch (SQLException e) {
            closeQuietly(c);
            throw new UnableToRestoreDatabaseException(
                    "cannot take the advisory lock on " + where.database() + " at " + where.where() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static String holder(Connection c) {
        String sql = "SELECT a.pid, a.application_name, a.client_addr, a.backend_start"
                + " FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = " + LOCK_CLASS
                + " AND l.objid = " + LOCK_OBJECT + " AND l.objsubid = 2"
                + " AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())";
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (rs.next()) {
                String app = rs.getString(2);
                String addr = rs.getString(3);
                return "server process " + rs.getInt(1)
                        + (app == null || app.isEmpty() ? "" : ", application '" + app + "'")
                        + (addr == null ? "" : ", from " + addr) + ", since " + rs.getString(4);
            }
        } catch (SQLException e) {
            LOG.debug("cannot read who holds the advisory lock", e);
        }
        return "another session";
    }

    /**
     * The full (epoch-extended) id of the transaction of the session named {@code applicationName},
     * or empty when it cannot be read.
     */
    Optional<Long> transactionOf(String applicationName) {
        Optional<Connection> opened = connect.apply("backupkit");
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (Connection c = opened.get();
                PreparedStatement ps = c.prepareStatement("SELECT a.backend_xid::text::bigint,"
                        + " pg_catalog.txid_snapshot_xmax(pg_catalog.txid_current_snapshot())"
                        + " FROM pg_catalog.pg_stat_activity a WHERE a.application_name = ?"
                        + " AND a.backend_xid IS NOT NULL")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long xid = rs.getLong(1);
                long next = rs.getLong(2);
                long epoch = next >>> 32;
                if (xid > (next & 0xffffffffL)) {
                    epoch--; // the counter wrapped since the transaction began
                }
                return Optional.of((epoch << 32) | xid);
            }
        } catch (SQLException e) {
            LOG.warn("cannot read the restore's transaction id: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Whether transaction {@code txid} committed: waits (a minute at most) while it is still in
     * progress, as a psql left by a killed process finishes or rolls back.
     */
    boolean committed(long txid) {
        Optional<Connection> opened = connect.apply("backupkit");
        if (opened.isEmpty()) {
            throw cannotTell("no PostgreSQL JDBC driver on the class path", null);
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (Connection c = opened.get();
                PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.txid_status(?)")) {
            ps.setLong(1, txid);
            while (true) {
                String status;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    status = rs.getString(1);
                }
                if ("committed".equals(status)) {
                    return true;
                }
                if ("aborted".equals(status)) {
                    return false;
                }
                if (!"in progress".equals(status) || System.nanoTime() - deadline > 0) {
                    throw cannotTell("the server says '" + status + "' for transaction " + txid, null);
                }
                Thread.sleep(200);
            }
        } catch (SQLException e) {
            throw cannotTell(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cannotTell("interrupted", e);
        }
    }

    private UnableToRestoreDatabaseException cannotTell(String why, Throwable cause) {
        return new UnableToRestoreDatabaseException(
                "a restore of " + where.database() + " at " + where.where() + " was interrupted while it committed,"
                        + " and whether it committed cannot be told (" + why + "): check the database, then restore"
                        + " again",
                cause);
    }

    private static void closeQuietly(Connection c) {
        SessionHandOver.closeQuietly(c);
    }
}
