package io.backupkit.backup;

/** Restoring the database failed. The message says whether the database was left as it was (the normal case) or what state it is in. */
public class UnableToRestoreDatabaseException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** A failure whose message says what to do next. */
    public UnableToRestoreDatabaseException(String message) {
        super(message);
    }

    /** A failure caused by {@code cause}; the message says what to do next. */
    public UnableToRestoreDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
