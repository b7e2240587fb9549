package io.backupkit.backup;

/** Steps of create and restore reported to a {@link BackupListener}. */
public enum Phase {
    /** Dumping the database into the storage (create). */
    DATABASE_DUMP,
    /** Archiving the media folder into the storage (create). */
    MEDIA_ARCHIVE,
    /** Writing the manifest that completes a backup (create). */
    MANIFEST,
    /** Downloading artifacts and checking their digests: before a restore replaces anything, and in a deep verify. */
    DOWNLOAD_VERIFY,
    /** Taking the {@code pre-restore} backup of the current state (restore). */
    SAFETY_BACKUP,
    /** Replacing the media folder (restore, rollback). */
    MEDIA_RESTORE,
    /** Replacing the database (restore, rollback). */
    DATABASE_RESTORE,
    /** Deleting backups a retention policy no longer keeps. */
    PRUNE
}
