package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupManagerFactory;
import io.backupkit.backup.BackupSettings;
import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.EncryptionConfig;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import java.util.Set;

/** The engine behind {@link BackupManager.Builder#build()}: resolves the providers the settings name. */
public final class CoreManagerFactory implements BackupManagerFactory {
    private static final Set<Class<?>> COMPONENT_TYPES =
            Set.of(BackupStorage.class, DatabaseDumper.class, Encryption.class);

    @Override
    public BackupManager create(BackupSettings settings) {
        try {
            return new DefaultBackupManager(resolve(settings), settings);
        } catch (BackupConfigurationException e) {
            throw e.describedBy(settings.settingNames());
        }
    }

    /** Creates the providers {@code settings} name, or takes the instances it carries. */
    static EngineSettings resolve(BackupSettings settings) {
        for (Class<?> type : settings.components().keySet()) {
            if (!COMPONENT_TYPES.contains(type)) {
                throw new IllegalArgumentException("component(" + type.getSimpleName()
                        + ".class, ...): only BackupStorage, DatabaseDumper and Encryption"
                        + " instances can be given");
            }
        }
        ProviderRegistry registry = ProviderRegistry.of(settings.classLoader());
        return new EngineSettings(
                settings.name(),
                storage(registry, settings),
                dumper(registry, settings),
                settings.mediaDir(),
                settings.mediaExcludes(),
                settings.compression(),
                settings.compressionLevel(),
                settings.compressionWorkers(),
                encryption(registry, settings),
                settings.host(),
                settings.spoolDir(),
                settings.leaseTtl(),
                settings.listener(),
                settings.clock(),
                settings.allowSensitiveMediaDir(),
                settings.format(),
                settings.settingNames(),
                settings.keepAsideFor());
    }

    private static BackupStorage storage(ProviderRegistry registry, BackupSettings settings) {
        BackupStorage given = settings.component(BackupStorage.class);
        if (given != null) {
            return given;
        }
        String location = settings.storageLocation();
        if (location == null || location.isBlank()) {
            throw new BackupConfigurationException(
                    "storage.location", "no storage location: give a folder, key prefix, container or remote path");
        }
        return registry.storage(settings.storageId())
                .create(new StorageConfig(location, new ProviderOptions("backup_options", settings.storageOptions())));
    }

    private static DatabaseDumper dumper(ProviderRegistry registry, BackupSettings settings) {
        DatabaseDumper given = settings.component(DatabaseDumper.class);
        if (given != null) {
            return given;
        }
        String url = settings.databaseUrl();
        String user = settings.databaseUser();
        Secret password = settings.databasePassword();
        if (settings.dataSource() != null) {
            DataSourceDatabase db = DataSourceDatabase.read(settings.dataSource(), password);
            url = db.url();
            user = db.user();
            password = db.password();
        }
        if (url == null) {
            return null;
        }
        DatabaseConfig config = new DatabaseConfig(
                url,
                user,
                password,
                new ProviderOptions("database.options", settings.dumperOptions()),
                settings.dumpTimeout());
        return registry.dumper(url, settings.dumperId()).create(config);
    }

    private static Encryption encryption(ProviderRegistry registry, BackupSettings settings) {
        Encryption given = settings.component(Encryption.class);
        if (given != null || settings.encryptionId() == null) {
            return given;
        }
        return registry.encryption(settings.encryptionId())
                .create(new EncryptionConfig(
                        new ProviderOptions("encryption.options", settings.encryptionOptions()),
                        settings.passphraseCallback()));
    }
}
