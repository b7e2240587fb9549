package io.backupkit.backup;

/**
 * The storage failed: an I/O error, access denied, no space, or an unreachable service. {@link
 * #isTransient()} tells whether retrying later may help.
 */
public class UnableToStoreException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final String storage;
    private final String object;
    private final boolean transientFailure;

    public UnableToStoreException(String storage, String object, String message, Throwable cause) {
        this(storage, object, false, message, cause);
    }

    public UnableToStoreException(
            String storage, String object, boolean transientFailure, String message, Throwable cause) {
        super(message, cause);
        this.storage = storage;
        this.object = object;
        this.transientFailure = transientFailure;
    }

    /** The storage as described to users (never with credentials). */
    public String storage() {
        return storage;
    }

    /** The object name involved, or {@code null}. */
    public String object() {
        return object;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
