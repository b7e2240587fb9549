package io.backupkit.backup;

/**
 * The backup is encrypted and the configured key or passphrase cannot open it (missing, wrong, of
 * another key id). Nothing was changed.
 */
public final class UnableToDecryptException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The key id the backup was encrypted to. */
    private final String keyId;

    /** The backup, encrypted to {@code keyId}, cannot be opened with what is configured. */
    public UnableToDecryptException(String keyId, String message, Throwable cause) {
        super(message, cause);
        this.keyId = keyId;
    }

    /** The key id the backup was encrypted to, or {@code passphrase}. */
    public String keyId() {
        return keyId;
    }
}
