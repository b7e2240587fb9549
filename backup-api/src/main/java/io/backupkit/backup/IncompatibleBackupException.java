package io.backupkit.backup;

/**
 * The backup is intact but cannot be restored here as it is: it was made by a newer host application
 * or a newer dump tool, or it is of a manifest format this version does not read.
 */
public final class IncompatibleBackupException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** The message names what is newer or unknown and how to restore anyway (e.g. {@code force}). */
    public IncompatibleBackupException(String message) {
        super(message);
    }
}
