package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.UnableToStoreException;

/**
 * Dropbox refused the credentials: the access token is missing, revoked or expired and cannot be
 * refreshed, or the app key / secret / refresh token pair is wrong. Not transient: fix the {@code
 * BACKUP_OPTIONS} credentials. The message never contains a token or secret.
 */
public final class DropboxAuthenticationException extends UnableToStoreException {
    private static final long serialVersionUID = 1L;

    public DropboxAuthenticationException(String storage, String object, String message, Throwable cause) {
        super(storage, object, false, message, cause);
    }
}
