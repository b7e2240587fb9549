/**
 * API: configuration loading shared by the command line tool and host applications.
 *
 * <p>{@link io.backupkit.backup.core.config.BackupConfigLoader} reads command-line overrides,
 * environment variables (optionally with a host prefix such as {@code INVENTREE_}) and a YAML file,
 * with the precedence flag &gt; environment &gt; file &gt; default, into an immutable {@link
 * io.backupkit.backup.core.config.BackupConfig}, which {@link
 * io.backupkit.backup.core.config.BackupConfig#applyTo applies} itself to a {@link
 * io.backupkit.backup.BackupManager.Builder}. Errors are {@link
 * io.backupkit.backup.BackupConfigurationException}s that name the setting; secret values never
 * appear in messages or in {@code toString()}.
 */
package io.backupkit.backup.core.config;
