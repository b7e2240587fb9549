package io.backupkit.backup;

import java.util.Optional;

/**
 * The configuration is missing, malformed or contradictory. {@link #key()} names the setting (for
 * example {@code BACKUP_DIR} or {@code backup_options.bucket}) when one is to blame.
 */
public class BackupConfigurationException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public BackupConfigurationException(String key, String message) {
        super(message);
        this.key = key;
    }

    public BackupConfigurationException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The setting to fix, if the problem lies in one. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
