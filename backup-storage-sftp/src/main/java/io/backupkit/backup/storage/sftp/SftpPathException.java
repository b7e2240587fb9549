package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.UnableToStoreException;

/**
 * The remote folder cannot be used: it is missing and cannot be created, is not a folder, or the user may not write to it. Not transient: fix {@code path} ({@code BACKUP_DIR}) or the folder's permissions on the server.
 */
public final class SftpPathException extends UnableToStoreException {
    private static final long serialVersionUID = 1L;
    private final String setting;

    public SftpPathException(String storage, String object, String setting, String message, Throwable cause) {
        super(storage, object, false, message, cause);
        this.setting = setting;
    }

    /** The option to fix, e.g. {@code backup_options.known_hosts_file}. */
    public String option() {
        return setting;
    }
}
