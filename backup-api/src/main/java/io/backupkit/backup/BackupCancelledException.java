package io.backupkit.backup;

/** The operation was cancelled (its thread was interrupted). Nothing incomplete was left visible. */
public final class BackupCancelledException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** The operation was cancelled; {@code cause} is usually the {@link InterruptedException}. */
    public BackupCancelledException(String message, Throwable cause) {
        super(message, cause);
    }
}
