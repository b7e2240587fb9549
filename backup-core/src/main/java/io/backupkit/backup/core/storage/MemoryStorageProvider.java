package io.backupkit.backup.core.storage;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.SpiVersion;
import io.backupkit.backup.spi.StorageConfig;
import java.util.Objects;
import java.util.Set;

/**
 * Provider {@code memory}: a {@link MemoryStorage} whose namespace is the configured location
 * ({@code default} when empty). It has no options.
 */
public final class MemoryStorageProvider implements BackupStorageProvider {
    /** The provider id. */
    public static final String ID = "memory";

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
        Objects.requireNonNull(config, "config");
        config.options().requireOnly(Set.of());
        String namespace =
                config.location().isBlank() ? "default" : config.location().trim();
        return new MemoryStorage(namespace);
    }
}
