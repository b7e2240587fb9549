/**
 * Internal (SPI implementation): the {@code azure} {@link io.backupkit.backup.spi.BackupStorage} for
 * Azure Blob Storage, found through {@link io.backupkit.backup.storage.azure.AzureStorageProvider}.
 * Applications configure it with {@code BACKUP_STORAGE=azure}, {@code BACKUP_DIR} (the blob name
 * prefix) and {@code BACKUP_OPTIONS}; they do not use these classes directly.
 */
package io.backupkit.backup.storage.azure;
