package io.backupkit.backup;

/**
 * The storage failed: an I/O error, access denied, no space, or an unreachable service. {@link
 * #isTransient()} tells whether retrying later may help.
 */
public class UnableToStoreException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The storage as described to users. */
    private final String storage;
    /** The object involved, or {@code null}. */
    private final String object;
    /** Whether retrying later may help. */
    private final boolean transientFailure;

    /** A lasting failure of {@code storage} (as described to users) on {@code object} ({@code null} for none). */
    public UnableToStoreException(String storage, String object, String message, Throwable cause) {
        this(storage, object, false, message, cause);
    }

    /**
     * A failure of {@code storage} on {@code object}; {@code transientFailure} when retrying later may help
     * (a timeout, throttling, a server error).
     */
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

    /** Whether retrying later may help (a timeout, throttling, a server error), as opposed to a refusal. */
    public boolean isTransient() {
        return transientFailure;
    }
}
