package io.backupkit.backup;

/** How thoroughly {@link BackupManager#verify} checks a backup. */
public enum VerifyMode {
    /** The objects are present with the sizes the manifest records; nothing is downloaded. */
    QUICK,
    /** Every artifact is read: digests, decompression and decryption are checked. */
    DEEP
}
