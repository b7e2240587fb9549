package io.backupkit.backup;

/** A backup's manifest names an artifact that is missing from the storage. */
public final class IncompleteBackupException extends CorruptBackupException {
    private static final long serialVersionUID = 1L;

    /** The object {@code artifact} named by the manifest is missing. */
    public IncompleteBackupException(String artifact, String message) {
        super(artifact, null, "missing", message);
    }
}
