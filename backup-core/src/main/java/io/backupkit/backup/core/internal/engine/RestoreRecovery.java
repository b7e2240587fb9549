package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.core.internal.engine.RestoreJournal.State;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes or undoes a restore whose process died (SIGKILL, power loss) from the journal it left:
 * before its commit gate everything is undone (the dumper rolls the database back, the media swap
 * is reversed); after both commits the old media folder is removed; in between, the database
 * decides ({@link io.backupkit.backup.spi.DatabaseDumper#recoverRestore}) and the media folder
 * follows it. Runs under the target lock, so the journal is never one of a restore still running.
 */
final class RestoreRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreRecovery.class);

    private RestoreRecovery() {}

    /**
     * At a manager's start: when a journal is there, takes the target lock and recovers. A failure is
     * logged, not thrown (the next create or restore tries again and reports it); a target in use by
     * another process is left to it.
     */
    static void atStart(EngineSettings settings) {
        if (!java.nio.file.Files.exists(RestoreJournal.location(settings))) {
            return;
        }
        try (TargetGuard guard = TargetGuard.acquire(settings)) {
            LOG.debug("recovered at start: {}", guard);
        } catch (io.backupkit.backup.BackupInProgressException e) {
            LOG.info("an interrupted restore's journal is there, but the target is in use: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("could not finish or undo an interrupted restore: {}", e.getMessage(), e);
        }
    }

    /** Recovers the target's interrupted restore, if any; returns what was done. */
    static Optional<String> run(EngineSettings settings) {
        Optional<RestoreJournal> found = RestoreJournal.find(settings);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RestoreJournal journal = found.get();
        Optional<String> target = journal.target();
        if (target.isPresent()
                && (settings.dumper() == null
                        || !target.get().equals(settings.dumper().toString()))) {
            String msg = "the journal " + journal.file() + " of an interrupted restore names another database ("
                    + target.get() + "); it was left as it is: run a restore or backup with that database configured";
            Events.warn(settings.listener(), msg);
            return Optional.of(msg);
        }
        State state = journal.state();
        if (state == State.ENDED) {
            journal.path("staging").ifPresent(RestoreOperation::deleteQuietly);
            journal.path("work").ifPresent(RestoreOperation::deleteQuietly);
            journal.delete();
            LOG.info("removed what a restore of backup {} left over", journal.backupId());
            return Optional.empty();
        }
        boolean backupState = databaseHoldsBackup(settings, journal, target.isPresent());
        boolean keepOld = backupState && journal.flag("keepAside");
        journal.path("media").ifPresent(media -> {
            MediaSwap swap = MediaSwap.resume(
                    media,
                    journal.path("staging").or(() -> journal.path("asideMedia")).orElse(null),
                    journal.path("old").orElseThrow(),
                    journal.flag("hadOld"),
                    RestoreOperation.preservedInside(settings));
            if (backupState) {
                swap.finish();
                if (!keepOld) {
                    swap.commit();
                }
            } else {
                swap.undo();
            }
        });
        if (backupState) {
            keptAside(settings, journal, keepOld);
        }
        journal.path("staging").ifPresent(RestoreOperation::deleteQuietly);
        journal.path("work").ifPresent(RestoreOperation::deleteQuietly);
        journal.delete();
        String msg = "a restore of backup " + journal.backupId() + " was interrupted (the process ended while it was "
                + state.name().toLowerCase(java.util.Locale.ROOT) + "); "
                + (backupState
                        ? "it had committed, so it was finished: the database and the media folder hold that backup"
                        : "it was undone: the database and the media folder are as they were before it");
        Events.warn(settings.listener(), msg);
        return Optional.of(msg);
    }

    /**
     * After a restore that committed: what it kept aside is recorded (a rollback's record goes), and
     * what an earlier restore kept aside is dropped.
     */
    private static void keptAside(EngineSettings settings, RestoreJournal journal, boolean keepOld) {
        if (journal.flag("rollback")) {
            KeptAsideRecord.delete(settings);
            return;
        }
        String db = journal.values("aside");
        Path media = keepOld && journal.flag("hadOld") ? journal.path("old").orElse(null) : null;
        if (keepOld && (db != null || media != null)) {
            String since = journal.values("since");
            new KeptAsideRecord(
                            journal.backupId(),
                            since == null ? settings.clock().instant() : java.time.Instant.parse(since),
                            db,
                            media)
                    .write(settings);
        } else {
            KeptAsideRecord.delete(settings);
        }
        String previousDb = journal.values("previousDatabase");
        if (previousDb != null && settings.dumper() != null && !previousDb.equals(db)) {
            settings.dumper().dropAside(previousDb);
        }
        journal.path("previousMedia").ifPresent(RestoreOperation::deleteQuietly);
    }

    /** Whether the database is (now) at the backup's state; rolls it back where the dumper must. */
    private static boolean databaseHoldsBackup(EngineSettings settings, RestoreJournal journal, boolean hadDatabase) {
        State state = journal.state();
        if (state == State.COMMITTED) {
            return true;
        }
        if (!hadDatabase) {
            return state == State.COMMITTING; // media only: the swap is the commit
        }
        String token = journal.token().orElse(null);
        if (token == null && state == State.PREPARING) {
            return false; // the dumper had changed nothing it could not undo by itself
        }
        try {
            return settings.dumper().recoverRestore(token, state == State.COMMITTING);
        } catch (UnableToRestoreDatabaseException e) {
            throw new UnableToRestoreDatabaseException(
                    e.getMessage() + ". The interrupted restore's journal " + journal.file()
                            + " is kept; the media folder is as that restore left it (old copy: "
                            + journal.path("old").map(Path::toString).orElse("none") + ")",
                    e);
        }
    }
}
