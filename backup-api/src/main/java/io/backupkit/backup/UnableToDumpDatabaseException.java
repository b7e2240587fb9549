package io.backupkit.backup;

/** Dumping the database failed: the server could not be reached, the credentials were refused, or the dump tool failed. No manifest was written. */
public class UnableToDumpDatabaseException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** A failure whose message says what to do next. */
    public UnableToDumpDatabaseException(String message) {
        super(message);
    }

    /** A failure caused by {@code cause}; the message says what to do next. */
    public UnableToDumpDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
