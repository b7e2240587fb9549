package io.backupkit.backup;

/** Steps of create and restore reported to a {@link BackupListener}. */
public enum Phase {
    DATABASE_DUMP,
    MEDIA_ARCHIVE,
    MANIFEST,
    DOWNLOAD_VERIFY,
    SAFETY_BACKUP,
    MEDIA_RESTORE,
    DATABASE_RESTORE,
    PRUNE
}
