package io.backupkit.backup.storage.azure;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.SpiVersion;
import io.backupkit.backup.spi.StorageConfig;

/**
 * The {@code azure} storage provider: Azure Blob Storage through the Azure SDK for Java. {@code
 * BACKUP_DIR} is the blob name prefix; {@code BACKUP_OPTIONS} holds {@code container} (required),
 * the credentials as a file (one of {@code connection_string_file}, {@code account} + {@code
 * key_file}, {@code sas_token_file}), {@code endpoint} (the blob service URL), {@code block_size}
 * (default 8 MiB), {@code parallel_blocks} (default 2) and {@code max_attempts} (default 4).
 *
 * <p>{@link #create} validates the options and reads the credential file; it does not contact the
 * service, so a wrong key, a missing container or an unreachable endpoint surface on first use as
 * {@link io.backupkit.backup.UnableToStoreException}s that name the setting to fix.
 */
public final class AzureStorageProvider implements BackupStorageProvider {
    /** Needed by {@link java.util.ServiceLoader}. */
    public AzureStorageProvider() {}

    @Override
    public String id() {
        return "azure";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public BackupStorage create(StorageConfig config) {
        return new AzureStorage(AzureSettings.from(config));
    }
}
