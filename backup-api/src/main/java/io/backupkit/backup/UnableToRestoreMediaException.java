package io.backupkit.backup;

/** Restoring the media folder failed; the previous folder was put back. */
public class UnableToRestoreMediaException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** A failure whose message says what to do next. */
    public UnableToRestoreMediaException(String message) {
        super(message);
    }

    /** A failure caused by {@code cause}; the message says what to do next. */
    public UnableToRestoreMediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
