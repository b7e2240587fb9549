package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.Phase;
import io.backupkit.backup.RollbackOptions;
import io.backupkit.backup.RollbackResult;
import io.backupkit.backup.Setting;
import io.backupkit.backup.UnableToRestoreMediaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts back what the last restore kept aside. The database is swapped back first (one atomic step
 * of the dumper's), then the media folders by rename; the restore journal covers the gap, so a
 * process killed in between is finished by the next operation on the target, never left mixed.
 */
final class RollbackOperation {
    private static final Logger LOG = LoggerFactory.getLogger(RollbackOperation.class);

    private final EngineSettings settings;
    private final BackupListener listener;

    RollbackOperation(EngineSettings settings) {
        this.settings = settings;
        this.listener = Events.safe(settings.listener());
    }

    RollbackResult run(RollbackOptions options) {
        long t0 = System.nanoTime();
        KeptAsideRecord kept = KeptAsideRecord.find(settings)
                .orElseThrow(() -> new BackupNotFoundException(
                        "kept-aside",
                        "nothing is kept aside to roll back to: only a restore with safety keep-aside keeps the"
                                + " state it replaced, until the next restore or prune"));
        if (kept.database() != null && settings.dumper() == null) {
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL,
                    "the state kept aside holds a database, but no database is configured: configure it to roll back");
        }
        if (kept.media() != null) {
            if (settings.mediaDir() == null) {
                throw new BackupConfigurationException(
                        Setting.MEDIA_DIR,
                        "the state kept aside holds a media folder, but none is configured: configure it to roll back");
            }
            if (!Files.isDirectory(kept.media(), LinkOption.NOFOLLOW_LINKS)) {
                throw new UnableToRestoreMediaException("the media folder kept aside, " + kept.media()
                        + ", is gone: cannot roll back. Nothing was changed");
            }
        }
        LossCheck loss = new LossCheck(settings, kept);
        if (!options.force()) {
            loss.refuseIfAny(); // before any session is ended: what is known now already refuses
        }
        Path work;
        try {
            Files.createDirectories(settings.spoolDir());
            work = Files.createTempDirectory(settings.spoolDir(), "backup-rollback-");
        } catch (IOException e) {
            throw new BackupConfigurationException(
                    Setting.SPOOL_DIR,
                    "cannot create a work folder in " + settings.spoolDir() + ": " + e.getMessage(),
                    e);
        }
        RestoreJournal journal =
                RestoreJournal.begin(settings, "rollback-" + kept.restored(), work, kept.database() != null);
        journal.put("rollback", true);
        MediaSwap swap = null;
        if (kept.media() != null) {
            journal.put("asideMedia", kept.media());
            swap = MediaSwap.plan(settings.mediaDir(), kept.media(), RestoreOperation.preservedInside(settings));
        }
        MediaSwap media = swap;
        boolean databaseDone = false;
        java.util.concurrent.atomic.AtomicReference<String> pending =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Runnable committing = () -> {
                if (media != null) {
                    journal.committing(media.media, media.old, media.hadOld);
                } else {
                    journal.state(RestoreJournal.State.COMMITTING);
                }
            };
            Runnable lastLook = () -> loss.lastLook(options.force());
            if (kept.database() != null) {
                listener.phaseStarted(Phase.DATABASE_RESTORE, -1);
                settings.dumper()
                        .rollbackAside(
                                kept.database(), new Context(work, journal, committing, options, pending, lastLook));
                listener.phaseFinished(Phase.DATABASE_RESTORE);
            } else {
                lastLook.run();
                committing.run();
            }
            databaseDone = true;
            if (media != null) {
                listener.phaseStarted(Phase.MEDIA_RESTORE, -1);
                media.finish();
                listener.phaseFinished(Phase.MEDIA_RESTORE);
            }
        } catch (RuntimeException e) {
            if (!databaseDone && pending.get() != null) {
                journal.state(RestoreJournal.State.PREPARING); // the next operation puts the database back
                throw e;
            }
            if (!databaseDone) {
                // the dumper changed nothing (all or nothing), and the media folders were not touched
                journal.state(RestoreJournal.State.ENDED);
                journal.delete();
                RestoreOperation.deleteQuietly(work);
                throw e;
            }
            throw new UnableToRestoreMediaException(
                    "the database was rolled back, but the media folder could not be swapped back (" + e.getMessage()
                            + "); the next backup or restore finishes it (journal " + journal.file() + ")",
                    e);
        }
        journal.state(RestoreJournal.State.COMMITTED);
        if (media != null) {
            media.commit(); // the restored media folder goes
        }
        KeptAsideRecord.delete(settings);
        journal.delete();
        RestoreOperation.deleteQuietly(work);
        List<String> lost = loss.lost();
        if (lost.isEmpty()) {
            LOG.info("rolled back to the state kept aside before the restore of {}", kept.restored());
        } else {
            Events.warn(
                    settings.listener(),
                    "rolled back to the state before the restore of " + kept.restored() + ", forced; lost: "
                            + String.join("; ", lost));
        }
        return new RollbackResult(kept.info(), Duration.ofNanos(System.nanoTime() - t0), lost);
    }

    /** A restore's protocol without a dump: the journal hears the token and the commit. */
    private record Context(
            Path workDir,
            RestoreJournal journal,
            Runnable committing,
            RollbackOptions options,
            java.util.concurrent.atomic.AtomicReference<String> pending,
            Runnable lastLook)
            implements io.backupkit.backup.spi.DumpSource {
        @Override
        public java.io.InputStream open() throws IOException {
            throw new IOException("a rollback has no dump to read");
        }

        @Override
        public Path toFile() throws IOException {
            throw new IOException("a rollback has no dump to read");
        }

        @Override
        public io.backupkit.backup.DatabaseInfo info() {
            throw new IllegalStateException("a rollback has no dump");
        }

        /** The first one comes after the other sessions are gone and before the first change. */
        @Override
        public void recoveryPoint(String token) {
            if (journal.token().isEmpty()) {
                lastLook.run();
            }
            journal.token(token);
        }

        @Override
        public void rollbackFailed(String token) {
            pending.set(token);
            journal.token(token);
        }

        @Override
        public void beforeCommit() {
            committing.run();
        }

        @Override
        public boolean terminateSessions() {
            return options.terminateSessions();
        }
    }
}
