package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.db.mysql.MysqlTools.Toolset;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollback snapshot: every restore first dumps the current database into a 0600 file and loads it
 * back on any failure (MariaDB and MySQL DDL is not transactional). Kept aside, the snapshot is the
 * replaced state: it is written where it outlives the restore, and a rollback loads it as a restore
 * of its own. The recovery token is the snapshot's path.
 */
final class MysqlKeepAside {
    static final String ASIDE_PREFIX = ".backupkit-aside-";

    private static final Logger LOG = LoggerFactory.getLogger(MysqlKeepAside.class);

    private final MysqlDumper dumper;
    private final MysqlConnection connection;

    MysqlKeepAside(MysqlDumper dumper, MysqlConnection connection) {
        this.dumper = dumper;
        this.connection = connection;
    }

    /** A new empty snapshot file: in the aside folder when kept aside, else in the work folder. */
    Path newSnapshotFile(DumpSource source) {
        boolean keepAside = source.keepAside().isPresent();
        Path work = keepAside ? source.asideDir() : source.workDir();
        try {
            return Files.createTempFile(
                    work,
                    keepAside
                            ? ASIDE_PREFIX + connection.database().replaceAll("[^A-Za-z0-9_-]", "_") + "-"
                            : "rollback-",
                    ".sql",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot create the rollback snapshot file in " + work + " (" + e.getMessage()
                            + "); nothing was changed. Free disk space or fix the folder's permissions",
                    e);
        }
    }

    /** Dumps the database into {@code snapshot}; a failure changed nothing. */
    void take(Toolset t, Path snapshot) {
        try (OutputStream out = Files.newOutputStream(snapshot)) {
            long bytes = dumper.runDump(t, out);
            LOG.info(
                    "rollback snapshot of database {} taken before the restore: {} bytes",
                    connection.database(),
                    bytes);
        } catch (IOException | BackupException | NativeProcess.ToolTimeoutException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot take the rollback snapshot of database '" + connection.database()
                            + "' that makes the restore all-or-nothing: " + e.getMessage()
                            + ". Nothing was changed",
                    e);
        }
    }

    /**
     * Puts the snapshot back after a failed restore and returns the exception to throw. If that fails
     * too, the snapshot is moved out of the work folder (which is deleted) and its path is named.
     */
    BackupException rollBack(Toolset t, Path snapshot, Exception failure, DumpSource source) {
        boolean interrupted = Thread.interrupted() || failure instanceof BackupCancelledException;
        String cause = MysqlFailure.describe(failure);
        try {
            LOG.warn(
                    "restore of database {} failed ({}); putting the previous state back",
                    connection.database(),
                    cause);
            reload(t, snapshot);
        } catch (Exception rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
            Path kept = snapshot;
            try {
                kept = Files.move(
                        snapshot,
                        Path.of(System.getProperty("java.io.tmpdir"))
                                .resolve("backupkit-rollback-" + connection.database() + "-"
                                        + Instant.now().toEpochMilli() + ".sql"));
            } catch (IOException | RuntimeException moveFailure) {
                failure.addSuppressed(moveFailure);
            }
            source.rollbackFailed(kept.toString()); // the next operation on the database tries again
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            LOG.error(
                    "restore of database {} failed and so did putting the previous state back; the state before"
                            + " the restore is saved in {}",
                    connection.database(),
                    kept);
            return new UnableToRestoreDatabaseException(
                    "restoring database '" + connection.database() + "' failed (" + cause
                            + ") and putting the previous state back failed too ("
                            + MysqlFailure.describe(rollbackFailure)
                            + "): the database is in an unknown state. Its state"
                            + " before the restore is saved in " + kept + " (load it into the emptied database"
                            + " with the " + t.client().name() + " client) and in the pre-restore safety backup",
                    failure);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            return new BackupCancelledException(
                    "the restore of database '" + connection.database()
                            + "' was cancelled; the database was put back as it was before the restore",
                    failure);
        }
        return new UnableToRestoreDatabaseException(
                "restoring database '" + connection.database() + "' failed: " + cause
                        + ". The database was put back as it was before the restore; nothing was lost",
                failure);
    }

    /** Deletes the snapshot unless it was kept aside (then it is the replaced state). */
    void deleteUnlessKept(Path snapshot, boolean kept) {
        try {
            if (!kept) {
                Files.deleteIfExists(snapshot); // gone already when it had to be kept (moved away)
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the rollback snapshot {}: {}", snapshot, e.toString());
        }
    }

    /** A killed restore's snapshot is loaded back unless it had passed its commit gate. */
    boolean recover(String token, boolean committing) {
        if (committing) {
            return true; // the backup was loaded whole before the gate
        }
        Path snapshot = Path.of(token);
        if (!Files.isRegularFile(snapshot)) {
            throw new UnableToRestoreDatabaseException("an interrupted restore of database '" + connection.database()
                    + "' left it half loaded, and its rollback snapshot " + snapshot + " is gone: restore a"
                    + " backup (the pre-restore safety backup holds the state before it)");
        }
        Toolset t = dumper.resolve(true);
        try {
            reload(t, snapshot);
        } catch (IOException | RuntimeException e) {
            throw new UnableToRestoreDatabaseException(
                    "putting database '" + connection.database() + "' back after an interrupted restore failed ("
                            + MysqlFailure.describe(e) + "); its state from before is in " + snapshot + " (load it into"
                            + " the emptied database with the " + t.client().name() + " client)",
                    e);
        }
        LOG.warn("database {} put back from the rollback snapshot of an interrupted restore", connection.database());
        if (snapshot.getFileName().toString().startsWith(ASIDE_PREFIX)) {
            dropAside(token); // it was to be kept aside only if the restore committed
        }
        return false;
    }

    /** Loads the kept snapshot as a restore of its own (which takes a rollback snapshot first). */
    void rollbackAside(String token, DumpSource context) {
        Path snapshot = Path.of(token);
        if (!Files.isRegularFile(snapshot)) {
            throw new UnableToRestoreDatabaseException(
                    "the state kept aside, " + snapshot + ", is gone: cannot roll back. Nothing was changed");
        }
        DatabaseDescription d = dumper.describe();
        DatabaseInfo info = new DatabaseInfo(
                dumper.id(), d.product(), d.serverVersion(), d.tool(), d.toolVersion(), dumper.format());
        dumper.restore(new DumpSource() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(snapshot);
            }

            @Override
            public Path toFile() {
                return snapshot;
            }

            @Override
            public Path workDir() {
                return context.workDir();
            }

            @Override
            public DatabaseInfo info() {
                return info;
            }

            @Override
            public void beforeCommit() {
                context.beforeCommit();
            }

            @Override
            public boolean terminateSessions() {
                return context.terminateSessions();
            }

            @Override
            public Duration lockTimeout() {
                return context.lockTimeout();
            }

            @Override
            public void recoveryPoint(String t) {
                context.recoveryPoint(t);
            }

            @Override
            public void rollbackFailed(String t) {
                context.rollbackFailed(t);
            }
        });
        dropAside(token);
    }

    void dropAside(String token) {
        try {
            Files.deleteIfExists(Path.of(token));
        } catch (IOException e) {
            LOG.warn("cannot delete the state kept aside, {}: {}", token, e.toString());
        }
    }

    private void reload(Toolset t, Path snapshot) throws IOException {
        dumper.replaceWith(t, () -> Files.newInputStream(snapshot), "the rollback snapshot");
    }
}
