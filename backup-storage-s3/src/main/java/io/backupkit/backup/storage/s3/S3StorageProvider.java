package io.backupkit.backup.storage.s3;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.SpiVersion;
import io.backupkit.backup.spi.StorageConfig;

/**
 * The {@code s3} storage provider: Amazon S3 or an S3-compatible store through the AWS SDK for Java
 * v2 (no native CRT). {@code BACKUP_DIR} is the key prefix; {@code BACKUP_OPTIONS} holds {@code
 * bucket} (required), {@code region}, {@code endpoint}, {@code path_style}, {@code access_key} /
 * {@code secret_key} / {@code session_token} (else the SDK's default credentials chain), {@code
 * storage_class}, {@code sse} ({@code AES256} or {@code aws:kms}), {@code kms_key_id}, {@code
 * part_size} (default 8 MiB), {@code max_object_size}, {@code parallel_parts} (default 2), {@code
 * checksum} ({@code when_supported} or {@code when_required}) and {@code max_attempts} (default 5).
 *
 * <p>{@link #create} validates the options and builds the client; it does not contact the store,
 * so a wrong bucket, wrong credentials or an unreachable endpoint surface on first use as {@link
 * io.backupkit.backup.UnableToStoreException}s that name the cause.
 */
public final class S3StorageProvider implements BackupStorageProvider {
    /** Needed by {@link java.util.ServiceLoader}. */
    public S3StorageProvider() {}

    @Override
    public String id() {
        return "s3";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public BackupStorage create(StorageConfig config) {
        return new S3Storage(S3Settings.from(config));
    }
}
