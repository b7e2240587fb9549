package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.core.internal.lease.TargetFileLock;
import io.backupkit.backup.spi.DatabaseDumper;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The lock on the target of a create or restore, beside the storage lease: two operations on the
 * same database and media folder from two storage locations must not overlap. It is an OS file lock
 * on {@code .<media>.lock} beside the media folder (released by the kernel when the process dies)
 * plus the dumper's own lock on the database ({@link DatabaseDumper#lockTarget()}). Once held, a
 * restore that a killed process left half done is finished or undone first ({@link RestoreRecovery}).
 */
final class TargetGuard implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TargetGuard.class);
    /** How long a database lock left by a dead restore's session is waited for. */
    static final Duration DEAD_SESSION_WAIT = Duration.ofSeconds(30);

    private final TargetFileLock fileLock;
    private final DatabaseDumper.TargetLock databaseLock;

    private TargetGuard(TargetFileLock fileLock, DatabaseDumper.TargetLock databaseLock) {
        this.fileLock = fileLock;
        this.databaseLock = databaseLock;
    }

    /** Takes both locks and recovers an interrupted restore, or throws {@link BackupInProgressException}. */
    static TargetGuard acquire(EngineSettings settings) {
        TargetGuard guard = lock(settings);
        try {
            RestoreRecovery.run(settings);
            return guard;
        } catch (RuntimeException e) {
            guard.close();
            throw e;
        }
    }

    /** Takes both locks, or throws {@link BackupInProgressException} naming the holder. */
    static TargetGuard lock(EngineSettings settings) {
        TargetFileLock file = null;
        if (settings.mediaDir() != null) {
            Path media = settings.mediaDir().toAbsolutePath().normalize();
            try {
                file = TargetFileLock.tryLock(
                        media.resolveSibling("." + media.getFileName() + ".lock"), "the media folder " + media);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.AccessDeniedException)
                        && !String.valueOf(e.getMessage()).contains("Read-only file system")) {
                    throw new UnableToRestoreMediaException(
                            e.getMessage() + "; check the permissions of the media folder's parent", e);
                }
                // a backup may run with read access only; a restore then fails on its staging folder
                LOG.warn("{}; the media folder is not locked against a second backup or restore", e.getMessage());
            }
        }
        try {
            DatabaseDumper.TargetLock db =
                    settings.dumper() == null ? DatabaseDumper.TargetLock.NONE : databaseLock(settings, file != null);
            return new TargetGuard(file, db);
        } catch (RuntimeException e) {
            if (file != null) {
                file.close();
            }
            throw e;
        }
    }

    /**
     * The dumper's lock. With the media folder's lock held and a restore journal there, the process
     * that wrote the journal is gone (the kernel released its file lock at once), but the server may
     * not have ended its session yet: it notices a dead client only when it next runs, later on a
     * loaded machine. Refusing then would leave the interrupted restore half done (the media folder
     * swapped, the database rolled back), so the lock is asked for again for a while.
     */
    private static DatabaseDumper.TargetLock databaseLock(EngineSettings settings, boolean mediaLocked) {
        long deadline = System.nanoTime() + DEAD_SESSION_WAIT.toNanos();
        boolean logged = false;
        while (true) {
            try {
                return settings.dumper().lockTarget();
            } catch (BackupInProgressException e) {
                if (!mediaLocked
                        || !Files.exists(RestoreJournal.location(settings))
                        || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                if (!logged) {
                    LOG.info(
                            "an interrupted restore's journal is there and the database is still locked ({});"
                                    + " waiting for the server to end the dead process's session",
                            e.getMessage());
                    logged = true;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            databaseLock.close();
        } finally {
            if (fileLock != null) {
                fileLock.close();
            }
        }
    }
}
