package io.backupkit.backup.spi;

import java.util.Objects;

/**
 * What a storage provider is created from.
 *
 * @param location {@code BACKUP_DIR}: a folder, a key prefix or a Dropbox path
 * @param options {@code BACKUP_OPTIONS}
 */
public record StorageConfig(String location, ProviderOptions options) {
    /** Requires the location; missing options become empty ones. */
    public StorageConfig {
        Objects.requireNonNull(location, "location");
        options = options == null ? ProviderOptions.empty() : options;
    }
}
