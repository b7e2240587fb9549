package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.UnableToStoreException;

/**
 * The SSH server's host key is not the one {@code known_hosts_file} lists for it, or is not listed at all: the connection was refused before any credential was sent. Not transient: check the server's fingerprint, then fix the known_hosts file.
 */
public final class SftpHostKeyException extends UnableToStoreException {
    private static final long serialVersionUID = 1L;
    private final String setting;

    public SftpHostKeyException(String storage, String object, String setting, String message, Throwable cause) {
        super(storage, object, false, message, cause);
        this.setting = setting;
    }

    /** The option to fix, e.g. {@code backup_options.known_hosts_file}. */
    public String option() {
        return setting;
    }
}
