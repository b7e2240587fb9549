package io.backupkit.backup;

/** Restoring the database failed. The message says whether the database was left as it was (the normal case) or what state it is in. */
public class UnableToRestoreDatabaseException extends BackupException {
    private static final long serialVersionUID = 1L;

    public UnableToRestoreDatabaseException(String message) {
        super(message);
    }

    public UnableToRestoreDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
