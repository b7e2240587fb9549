package io.backupkit.backup;

/** Restoring the media folder failed; the previous folder was put back. */
public class UnableToRestoreMediaException extends BackupException {
    private static final long serialVersionUID = 1L;

    public UnableToRestoreMediaException(String message) {
        super(message);
    }

    public UnableToRestoreMediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
