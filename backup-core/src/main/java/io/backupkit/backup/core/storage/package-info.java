/**
 * Internal: the built-in storages, {@code filesystem} ({@link
 * io.backupkit.backup.core.storage.FilesystemStorage}, the default) and {@code memory} ({@link
 * io.backupkit.backup.core.storage.MemoryStorage}, for tests and embedding), and their providers,
 * registered with {@link java.util.ServiceLoader}. Use them through the SPI ({@link
 * io.backupkit.backup.spi.BackupStorage}); the classes are public so tests and host applications
 * can create them directly.
 */
package io.backupkit.backup.core.storage;
