package io.backupkit.backup.spi;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupSettings;

/**
 * The engine behind {@link BackupManager}, provided by {@code backup-core}. There is one; hosts do
 * not implement it.
 */
public interface BackupEngineProvider extends Provider {
    /** Creates the manager for these resolved settings. */
    BackupManager create(BackupSettings settings);
}
