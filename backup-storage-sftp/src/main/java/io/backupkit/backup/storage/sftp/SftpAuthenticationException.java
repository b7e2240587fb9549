package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.UnableToStoreException;

/**
 * The SSH server refused the login: wrong user, a key it does not accept, a wrong password, or a key file that cannot be read. Not transient: fix {@code user}, {@code private_key_file} or {@code password_file}. The message never contains a secret.
 */
public final class SftpAuthenticationException extends UnableToStoreException {
    private static final long serialVersionUID = 1L;
    private final String setting;

    public SftpAuthenticationException(String storage, String object, String setting, String message, Throwable cause) {
        super(storage, object, false, message, cause);
        this.setting = setting;
    }

    /** The option to fix, e.g. {@code backup_options.known_hosts_file}. */
    public String option() {
        return setting;
    }
}
