package io.backupkit.backup.spi;

/**
 * Creates a {@link BackupStorage} from configuration. Found by {@link java.util.ServiceLoader};
 * needs a public no-arg constructor.
 */
public interface BackupStorageProvider extends Provider {
    /**
     * Creates the storage. Validates options (unknown keys and wrong types are {@link
     * io.backupkit.backup.BackupConfigurationException}s naming the key) but should not yet need the
     * remote service: connection problems surface on first use as {@link
     * io.backupkit.backup.UnableToStoreException}.
     */
    BackupStorage create(StorageConfig config);
}
