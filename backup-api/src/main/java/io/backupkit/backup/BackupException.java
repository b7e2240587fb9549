package io.backupkit.backup;

/**
 * Root of every exception the library throws. Subclasses say what failed and carry the fields that
 * name it; the message says what to do next. The cause, if any, stays attached.
 */
public abstract class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure whose message says what to do next. */
    protected BackupException(String message) {
        super(message);
    }

    /** A failure whose message says what to do next, caused by {@code cause}. */
    protected BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
