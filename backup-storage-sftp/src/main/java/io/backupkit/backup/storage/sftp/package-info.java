/**
 * The {@code sftp} storage provider: a {@link io.backupkit.backup.spi.BackupStorage} in a folder on
 * an SSH server, on Apache MINA SSHD's SFTP client. Provider implementation; the public types are
 * {@link io.backupkit.backup.storage.sftp.SftpStorageProvider} (found by {@link
 * java.util.ServiceLoader}), {@link io.backupkit.backup.storage.sftp.SftpStorage} with its {@link
 * io.backupkit.backup.storage.sftp.SftpSettings}, and the typed errors. Everything else is internal.
 */
package io.backupkit.backup.storage.sftp;
