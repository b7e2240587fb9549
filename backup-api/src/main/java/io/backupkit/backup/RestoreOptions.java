package io.backupkit.backup;

import java.time.Duration;
import java.util.Objects;

/**
 * How to restore.
 *
 * @param backup a backup id or {@code latest}
 * @param safety what the restore keeps of the state it replaces (default {@link Safety#KEEP_ASIDE})
 * @param force restore a backup made by a newer host application version
 * @param database restore the database part (when the backup has one)
 * @param media restore the media part (when the backup has one)
 * @param terminateSessions end the other sessions on the target database before changing it,
 *     instead of refusing to restore while there are any (the default)
 * @param lockTimeout the longest the restore waits for a lock another session holds; then it rolls
 *     back with the database unchanged (default 30 seconds)
 */
public record RestoreOptions(
        String backup,
        Safety safety,
        boolean force,
        boolean database,
        boolean media,
        boolean terminateSessions,
        Duration lockTimeout) {
    /** How long a restore waits for another session's lock unless told otherwise. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);

    /** Stands for the newest complete backup wherever a backup id is asked for. */
    public static final String LATEST = "latest";

    /** What a restore keeps of the state it replaces, so that it can be put back. */
    public enum Safety {
        /**
         * The replaced database and media folder are renamed aside (not copied) and kept until the next
         * successful restore, a prune after their time, or a rollback ({@code BackupManager#rollback})
         * that puts them back. Where the database cannot be kept aside the restore takes a safety
         * backup instead and says why.
         */
        KEEP_ASIDE,
        /** A {@code pre-restore} backup of the current state is taken first, then it is replaced. */
        BACKUP,
        /** Nothing is kept: the current state is replaced. */
        NONE
    }

    /** Requires {@code backup}. */
    public RestoreOptions {
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(safety, "safety");
        lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new BackupConfigurationException("lockTimeout", "lockTimeout(...) must be positive");
        }
    }

    /** Whether a {@code pre-restore} backup is taken first ({@link Safety#BACKUP}). */
    public boolean safetyBackup() {
        return safety == Safety.BACKUP;
    }

    /** The newest complete backup, keeping the replaced state aside, database and media. */
    public static RestoreOptions latest() {
        return of(LATEST);
    }

    /** Restores {@code backup} (an id or {@code latest}), keeping the replaced state aside, database and media. */
    public static RestoreOptions of(String backup) {
        return new RestoreOptions(backup, Safety.KEEP_ASIDE, false, true, true, false, DEFAULT_LOCK_TIMEOUT);
    }

    /** Restores {@code backup}, keeping the replaced state aside, database and media. */
    public static RestoreOptions of(BackupId backup) {
        return of(backup.value());
    }

    /**
     * A copy that takes a {@code pre-restore} backup first ({@link Safety#BACKUP}), or keeps nothing.
     *
     * @deprecated say what to keep: {@link #withSafety(Safety)}
     */
    @Deprecated(since = "0.2", forRemoval = true)
    public RestoreOptions withSafetyBackup(boolean on) {
        return withSafety(on ? Safety.BACKUP : Safety.NONE);
    }

    /** A copy with what the restore keeps of the state it replaces. */
    public RestoreOptions withSafety(Safety what) {
        return new RestoreOptions(backup, what, force, database, media, terminateSessions, lockTimeout);
    }

    /** A copy that restores a backup made by a newer host application version too. */
    public RestoreOptions forcing() {
        return new RestoreOptions(backup, safety, true, database, media, terminateSessions, lockTimeout);
    }

    /**
     * A copy that restores a backup made by a newer host version, or refuses to.
     *
     * @deprecated use {@link #forcing()}; not forcing is the default
     */
    @Deprecated(since = "0.2", forRemoval = true)
    public RestoreOptions withForce(boolean on) {
        return new RestoreOptions(backup, safety, on, database, media, terminateSessions, lockTimeout);
    }

    /** A copy that restores the database and leaves the media folder as it is. */
    public RestoreOptions onlyDatabase() {
        return new RestoreOptions(backup, safety, force, true, false, terminateSessions, lockTimeout);
    }

    /** A copy that restores the media folder and leaves the database as it is. */
    public RestoreOptions onlyMedia() {
        return new RestoreOptions(backup, safety, force, false, true, terminateSessions, lockTimeout);
    }

    /**
     * Ends the other sessions on the target database (the host's connection pool, a console) before
     * changing it; without this the restore refuses while there are any, naming them.
     */
    public RestoreOptions terminatingSessions() {
        return new RestoreOptions(backup, safety, force, database, media, true, lockTimeout);
    }

    /** The longest the restore waits for a lock held by another session before it rolls back. */
    public RestoreOptions lockTimeout(Duration timeout) {
        return new RestoreOptions(backup, safety, force, database, media, terminateSessions, timeout);
    }
}
