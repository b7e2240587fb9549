/**
 * Internal: the {@code backup} command line tool (picocli). Not an API; host applications use
 * {@link io.backupkit.backup.BackupManager} and {@link io.backupkit.backup.core.config.BackupConfigLoader}.
 *
 * <p>Exit codes: 0 ok, 1 operation failed, 2 usage or configuration error, 3 backup corrupt or
 * incomplete.
 */
package io.backupkit.backup.cli;
