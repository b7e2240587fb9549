package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Setting;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.SpiVersion;
import io.backupkit.backup.spi.StorageConfig;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code dropbox} storage provider. {@code BACKUP_DIR} is the Dropbox folder (for an app with
 * App-folder access, relative to {@code /Apps/<app name>}); {@code BACKUP_OPTIONS}:
 *
 * <ul>
 *   <li>{@code app_key}, {@code app_secret}, {@code refresh_token}: a long-lived refresh token (the
 *       SDK refreshes access tokens itself); {@code app_secret} may be left out for a PKCE token;
 *   <li>{@code access_token}: a short-lived token for quick tries, instead of the three above;
 *   <li>{@code chunk_size}: upload chunk and write buffer per object, a multiple of 4 MiB up to 148
 *       MiB (default 8 MiB);
 *   <li>{@code max_attempts}: attempts per request on transient failures (default 5).
 * </ul>
 *
 * Unknown options are refused, naming the key. Creating the storage does not contact Dropbox.
 */
public final class DropboxStorageProvider implements BackupStorageProvider {
    /** The provider id. */
    public static final String ID = "dropbox";

    static final Set<String> OPTIONS =
            Set.of("app_key", "app_secret", "refresh_token", "access_token", "chunk_size", "max_attempts");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public BackupStorage create(StorageConfig config) {
        return new DropboxStorage(settings(config));
    }

    /** Reads and checks the settings from a configuration, without contacting Dropbox. */
    public static DropboxSettings settings(StorageConfig config) {
        ProviderOptions options = config.options().requireOnly(OPTIONS);
        long chunk = options.bytes("chunk_size", DropboxSettings.DEFAULT_CHUNK_SIZE);
        if (chunk < DropboxSettings.BLOCK_SIZE
                || chunk > DropboxSettings.MAX_CHUNK_SIZE
                || chunk % DropboxSettings.BLOCK_SIZE != 0) {
            throw new BackupConfigurationException(
                    options.keyName("chunk_size"),
                    options.keyName("chunk_size") + " must be a multiple of 4MiB between 4MiB and 148MiB"
                            + " (Dropbox's upload-session rule), e.g. 8MiB");
        }
        int attempts = options.integer("max_attempts", DropboxSettings.DEFAULT_MAX_ATTEMPTS);
        if (attempts < 1 || attempts > 100) {
            throw new BackupConfigurationException(
                    options.keyName("max_attempts"), options.keyName("max_attempts") + " must be between 1 and 100");
        }
        if (config.location().isBlank()) {
            throw new BackupConfigurationException(
                    Setting.STORAGE_LOCATION,
                    "the storage location is empty: give the Dropbox folder for the backups, e.g. /backups");
        }
        return new DropboxSettings(
                config.location(),
                options.secret("access_token").orElse(null),
                options.secret("refresh_token").orElse(null),
                options.string("app_key").orElse(null),
                options.secret("app_secret").orElse(null),
                (int) chunk,
                attempts,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }
}
