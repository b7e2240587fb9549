package io.backupkit.backup;

import java.util.Optional;

/**
 * Backs up on a {@link Schedule}, on its own daemon thread. Get one from {@link
 * BackupManager#scheduler(Schedule)}; it does nothing until {@link #start()}. Whether a backup is due
 * is read from the storage's manifests, so restarts and several instances of the host make no extra
 * backups.
 */
public interface BackupScheduler extends AutoCloseable {
    /** What one check did. */
    enum Outcome {
        /** Scheduled backups are switched off (e.g. {@code schedule.enabled} is false); nothing was checked. */
        DISABLED,
        /** The newest complete backup is younger than the interval. */
        NOT_DUE,
        /** A backup may be due, but the time is outside the schedule's window. */
        OUTSIDE_WINDOW,
        /** The last attempt failed less than {@code retryAfter} ago. */
        HELD_OFF,
        /**
         * Another create, restore or prune, or another instance's scheduler, holds the storage; the next
         * check tries again.
         */
        BUSY,
        /** A backup was made (and the retention policy applied, if any). */
        CREATED,
        /** The attempt failed; see {@link BackupScheduler#lastFailure()}. */
        FAILED
    }

    /** Starts checking in the background; returns this. */
    BackupScheduler start();

    /** Checks once, now, and backs up if a backup is due. */
    Outcome runOnce();

    /** Why the last attempt failed, until an attempt succeeds. */
    Optional<BackupException> lastFailure();

    /** Stops the background thread, waiting for a running backup to finish. */
    @Override
    void close();
}
