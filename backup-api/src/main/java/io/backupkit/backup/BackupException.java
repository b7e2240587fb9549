package io.backupkit.backup;

/**
 * Root of every exception the library throws. Subclasses say what failed and carry the fields that
 * name it; the message says what to do next. The cause, if any, stays attached.
 */
public abstract class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected BackupException(String message) {
        super(message);
    }

    protected BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
