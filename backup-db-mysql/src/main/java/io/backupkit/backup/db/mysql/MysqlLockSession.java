package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.spi.DatabaseDumper.TargetLock;
import io.backupkit.backup.spi.support.SessionHandOver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target lock, {@code GET_LOCK('backupkit:<database>', 0)} on a session of its own held until
 * released; user locks conflict with nothing else, so the restore's own sessions never wait on it.
 * The session that read the server's version is handed to the lock ({@link SessionHandOver}), and
 * the session holding the lock serves the check for other sessions before a restore.
 */
final class MysqlLockSession {
    /** How long a session handed over by {@link #offer} waits for the lock before it is closed. */
    static final long OFFER_MILLIS = SessionHandOver.OFFER_MILLIS;

    private static final Logger LOG = LoggerFactory.getLogger(MysqlLockSession.class);

    private final MysqlConnection connection;
    private final SessionHandOver session = new SessionHandOver();

    MysqlLockSession(MysqlConnection connection) {
        this.connection = connection;
    }

    /** For a create's version read: see {@link SessionHandOver#borrowHeldOrLogIn()}. */
    Optional<Connection> borrowHeldOrLogIn() {
        return session.borrowHeldOrLogIn();
    }

    /** Keeps {@code c} for the lock that follows; null: the login failed. */
    void offer(Connection c) {
        session.offer(c);
    }

    /** The session offered (waiting for a login in flight), if it is still usable. */
    Optional<Connection> take() {
        return session.take();
    }

    /** The session holding the lock, while it is held. */
    Optional<Connection> held() {
        return session.held();
    }

    /** The user lock's name: {@code backupkit:<database>}, cut to the server's 64 characters. */
    String lockName() {
        String n = "backupkit:" + connection.database();
        return n.length() <= 64 ? n : n.substring(0, 64);
    }

    /** Takes the lock on the session offered, or on one of its own. */
    TargetLock lock() {
        Optional<Connection> offered = session.takeOrLogIn();
        try {
            return lock(offered);
        } finally {
            if (offered.isEmpty()) {
                session.loggedIn(); // after the session is held: a version read waiting uses it
            }
        }
    }

    private TargetLock lock(Optional<Connection> offered) {
        String name = lockName();
        Connection c;
        try {
            c = offered.isPresent() ? offered.get() : connection.connect();
        } catch (SQLException e) {
            // the operation's own connection fails next, with the message that fits it
            LOG.warn("cannot lock database {}: {}", connection.database(), connection.safe(e.getMessage()));
            return TargetLock.NONE;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) == 1) {
                    session.hold(c);
                    return () -> {
                        session.release();
                        SessionHandOver.closeQuietly(c); // ends the session: the server releases its user lock
                    };
                }
            }
            String holder = holder(c, name);
            SessionHandOver.closeQuietly(c);
            throw new BackupInProgressException(
                    holder,
                    null,
                    "another backup or restore of database '" + connection.database() + "' is running (" + holder
                            + ", holding the lock " + name + "); wait for it to finish and try again");
        } catch (SQLException e) {
            SessionHandOver.closeQuietly(c);
            throw new UnableToDumpDatabaseException(
                    "cannot take the lock " + name + " on database '" + connection.database() + "': "
                            + connection.safe(e.getMessage()),
                    e);
        }
    }

    /** Who holds the user lock: its connection id, and user and host where the server shows them. */
    private static String holder(Connection c, String name) {
        long id;
        try (PreparedStatement ps = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getObject(1) == null) {
                    return "another session (it has just released the lock)";
                }
                id = rs.getLong(1);
            }
        } catch (SQLException e) {
            return "another session";
        }
        String who = "connection " + id;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    who += " of " + rs.getString(1) + " from " + rs.getString(2);
                }
            }
        } catch (SQLException e) {
            // no PROCESS privilege: the id is all we can say
        }
        return who;
    }
}
