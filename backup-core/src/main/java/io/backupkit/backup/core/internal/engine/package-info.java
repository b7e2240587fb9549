/**
 * Internal: the engine behind {@link io.backupkit.backup.BackupManager}, found by {@link
 * io.backupkit.backup.spi.ProviderRegistry#engine()} through {@link CoreEngineProvider}.
 */
package io.backupkit.backup.core.internal.engine;
