/**
 * The {@code dropbox} storage provider: a {@link io.backupkit.backup.spi.BackupStorage} on the
 * official Dropbox Java SDK (7.1.x). Provider implementation; the public types are {@link
 * io.backupkit.backup.storage.dropbox.DropboxStorageProvider} (found by {@link
 * java.util.ServiceLoader}), {@link io.backupkit.backup.storage.dropbox.DropboxStorage} with its
 * {@link io.backupkit.backup.storage.dropbox.DropboxSettings}, and the typed errors. Everything else
 * is internal.
 */
package io.backupkit.backup.storage.dropbox;
