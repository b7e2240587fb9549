package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.UnableToStoreException;

/**
 * Dropbox refused the path: it is malformed, a name Dropbox does not allow, or a place the app may
 * not write to (for an app with "App folder" access, anything outside {@code /Apps/<app name>}).
 * Not transient: fix {@code BACKUP_DIR}.
 */
public final class DropboxPathException extends UnableToStoreException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public DropboxPathException(String storage, String object, String reason, String message, Throwable cause) {
        super(storage, object, false, message, cause);
        this.reason = reason;
    }

    /** Dropbox's error tag, e.g. {@code malformed_path}, {@code no_write_permission}. */
    public String reason() {
        return reason;
    }
}
