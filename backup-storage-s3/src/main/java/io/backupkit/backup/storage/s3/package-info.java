/**
 * Internal (SPI implementation): the {@code s3} {@link io.backupkit.backup.spi.BackupStorage} for
 * Amazon S3 and S3-compatible stores, found through {@link
 * io.backupkit.backup.storage.s3.S3StorageProvider}. Applications configure it with {@code
 * BACKUP_STORAGE=s3}, {@code BACKUP_DIR} (the key prefix) and {@code BACKUP_OPTIONS}; they do not
 * use these classes directly.
 */
package io.backupkit.backup.storage.s3;
