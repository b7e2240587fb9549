package io.backupkit.backup;

import java.util.Objects;

/**
 * How to restore.
 *
 * @param backup a backup id or {@code latest}
 * @param safetyBackup take a {@code pre-restore} backup of the current state first (default on)
 * @param force restore a backup made by a newer host application version
 * @param database restore the database part (when the backup has one)
 * @param media restore the media part (when the backup has one)
 */
public record RestoreOptions(String backup, boolean safetyBackup, boolean force, boolean database, boolean media) {
    /** Stands for the newest complete backup wherever a backup id is asked for. */
    public static final String LATEST = "latest";

    /** Requires {@code backup}. */
    public RestoreOptions {
        Objects.requireNonNull(backup, "backup");
    }

    /** The newest complete backup, with a safety backup, database and media. */
    public static RestoreOptions latest() {
        return of(LATEST);
    }

    /** Restores {@code backup} (an id or {@code latest}), with a safety backup, database and media. */
    public static RestoreOptions of(String backup) {
        return new RestoreOptions(backup, true, false, true, true);
    }

    /** Restores {@code backup}, with a safety backup, database and media. */
    public static RestoreOptions of(BackupId backup) {
        return of(backup.value());
    }

    /** A copy that takes a {@code pre-restore} backup first, or not. */
    public RestoreOptions withSafetyBackup(boolean on) {
        return new RestoreOptions(backup, on, force, database, media);
    }

    /** A copy that restores a backup made by a newer host version, or refuses to. */
    public RestoreOptions withForce(boolean on) {
        return new RestoreOptions(backup, safetyBackup, on, database, media);
    }

    /** A copy that restores the database and leaves the media folder as it is. */
    public RestoreOptions onlyDatabase() {
        return new RestoreOptions(backup, safetyBackup, force, true, false);
    }

    /** A copy that restores the media folder and leaves the database as it is. */
    public RestoreOptions onlyMedia() {
        return new RestoreOptions(backup, safetyBackup, force, false, true);
    }
}
