package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.UnableToStoreException;

/**
 * The Dropbox account has no space left for the object ({@code insufficient_space}). Not
 * transient: free space in the account or prune old backups. Nothing was published.
 */
public final class DropboxQuotaExceededException extends UnableToStoreException {
    private static final long serialVersionUID = 1L;

    public DropboxQuotaExceededException(String storage, String object, String message, Throwable cause) {
        super(storage, object, false, message, cause);
    }
}
