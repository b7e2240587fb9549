package io.backupkit.backup;

import java.time.Duration;
import java.util.Objects;

/**
 * How to restore.
 *
 * @param backup a backup id or {@code latest}
 * @param safetyBackup take a {@code pre-restore} backup of the current state first (default on)
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
        boolean safetyBackup,
        boolean force,
        boolean database,
        boolean media,
        boolean terminateSessions,
        Duration lockTimeout) {
    /** How long a restore waits for another session's lock unless told otherwise. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);

    /** Stands for the newest complete backup wherever a backup id is asked for. */
    public static final String LATEST = "latest";

    /** Requires {@code backup}. */
    public RestoreOptions {
        Objects.requireNonNull(backup, "backup");
        lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new BackupConfigurationException("lockTimeout", "lockTimeout(...) must be positive");
        }
    }

    /** The newest complete backup, with a safety backup, database and media. */
    public static RestoreOptions latest() {
        return of(LATEST);
    }

    /** Restores {@code backup} (an id or {@code latest}), with a safety backup, database and media. */
    public static RestoreOptions of(String backup) {
        return new RestoreOptions(backup, true, false, true, true, false, DEFAULT_LOCK_TIMEOUT);
    }

    /** Restores {@code backup}, with a safety backup, database and media. */
    public static RestoreOptions of(BackupId backup) {
        return of(backup.value());
    }

    /** A copy that takes a {@code pre-restore} backup first, or not. */
    public RestoreOptions withSafetyBackup(boolean on) {
        return new RestoreOptions(backup, on, force, database, media, terminateSessions, lockTimeout);
    }

    /** A copy that restores a backup made by a newer host version, or refuses to. */
    public RestoreOptions withForce(boolean on) {
        return new RestoreOptions(backup, safetyBackup, on, database, media, terminateSessions, lockTimeout);
    }

    /** A copy that restores the database and leaves the media folder as it is. */
    public RestoreOptions onlyDatabase() {
        return new RestoreOptions(backup, safetyBackup, force, true, false, terminateSessions, lockTimeout);
    }

    /** A copy that restores the media folder and leaves the database as it is. */
    public RestoreOptions onlyMedia() {
        return new RestoreOptions(backup, safetyBackup, force, false, true, terminateSessions, lockTimeout);
    }

    /**
     * Ends the other sessions on the target database (the host's connection pool, a console) before
     * changing it; without this the restore refuses while there are any, naming them.
     */
    public RestoreOptions terminatingSessions() {
        return new RestoreOptions(backup, safetyBackup, force, database, media, true, lockTimeout);
    }

    /** The longest the restore waits for a lock held by another session before it rolls back. */
    public RestoreOptions lockTimeout(Duration timeout) {
        return new RestoreOptions(backup, safetyBackup, force, database, media, terminateSessions, timeout);
    }
}
