package io.backupkit.backup.core.engine;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupSettings;
import io.backupkit.backup.spi.BackupEngineProvider;
import io.backupkit.backup.spi.SpiVersion;

/** Registers the core engine with {@link java.util.ServiceLoader}. */
public final class CoreEngineProvider implements BackupEngineProvider {
    @Override
    public String id() {
        return "core";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public BackupManager create(BackupSettings settings) {
        return new DefaultBackupManager(settings);
    }
}
