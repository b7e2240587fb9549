package io.backupkit.backup.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Setting;
import io.backupkit.backup.core.internal.engine.ProviderRegistry;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code filesystem} and {@code memory} providers: discovery and options. */
class StorageProvidersTest {
    @TempDir
    Path temp;

    @Test
    void bothProvidersAreFoundByServiceLoader() {
        ProviderRegistry registry = ProviderRegistry.of(getClass().getClassLoader());
        assertThat(registry.storage("filesystem")).isInstanceOf(FilesystemStorageProvider.class);
        assertThat(registry.storage("memory")).isInstanceOf(MemoryStorageProvider.class);
    }

    @Test
    void filesystemUsesTheLocationAsFolder() throws Exception {
        BackupStorage storage = new FilesystemStorageProvider()
                .create(new StorageConfig(temp.resolve("x/../backups").toString(), null));
        assertThat(storage).isInstanceOf(FilesystemStorage.class);
        assertThat(((FilesystemStorage) storage).folder()).isEqualTo(temp.resolve("backups"));
        assertThat(storage.describe()).isEqualTo(temp.resolve("backups").toString());
    }

    @Test
    void filesystemExpandsTheHomeFolder() {
        FilesystemStorage storage =
                (FilesystemStorage) new FilesystemStorageProvider().create(new StorageConfig("~/my-backups", null));
        assertThat(storage.folder()).isEqualTo(Path.of(System.getProperty("user.home"), "my-backups"));
    }

    @Test
    void filesystemRefusesUnknownOptionsNamingTheKey() {
        ProviderOptions options = new ProviderOptions("backup_options", Map.of("fsync", false, "bucket", "x"));
        assertThatThrownBy(() -> new FilesystemStorageProvider().create(new StorageConfig(temp.toString(), options)))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.bucket")
                .satisfies(e ->
                        assertThat(((BackupConfigurationException) e).key()).hasValue("backup_options.bucket"));
    }

    @Test
    void filesystemRefusesBadOptionValues() {
        assertThatThrownBy(() -> new FilesystemStorageProvider()
                        .create(new StorageConfig(
                                temp.toString(), new ProviderOptions("backup_options", Map.of("fsync", "maybe")))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.fsync");
        assertThatThrownBy(() -> new FilesystemStorageProvider()
                        .create(new StorageConfig(
                                temp.toString(), new ProviderOptions("backup_options", Map.of("permissions", "rwx")))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.permissions");
        assertThatThrownBy(() -> new FilesystemStorageProvider()
                        .create(new StorageConfig(
                                temp.toString(),
                                new ProviderOptions("backup_options", Map.of("permissions", "-w-------")))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("owner read and write");
        assertThatThrownBy(() -> new FilesystemStorageProvider().create(new StorageConfig("  ", null)))
                .isInstanceOf(BackupConfigurationException.class)
                .satisfies(e ->
                        assertThat(((BackupConfigurationException) e).setting()).hasValue(Setting.STORAGE_LOCATION));
    }

    @Test
    void filesystemAcceptsItsOptions() {
        BackupStorage storage = new FilesystemStorageProvider()
                .create(new StorageConfig(
                        temp.toString(),
                        new ProviderOptions("backup_options", Map.of("fsync", "false", "permissions", "rw-r-----"))));
        assertThat(storage).isInstanceOf(FilesystemStorage.class);
    }

    @Test
    void memoryInstancesOfOneNamespaceShareObjects() throws Exception {
        String ns = "shared-" + UUID.randomUUID();
        try {
            BackupStorage a = new MemoryStorageProvider().create(new StorageConfig(ns, null));
            BackupStorage b = new MemoryStorageProvider().create(new StorageConfig(ns, null));
            BackupStorage other = new MemoryStorageProvider().create(new StorageConfig(ns + "-other", null));
            assertThat(a.createIfAbsent("x", new byte[] {1})).isTrue();
            assertThat(b.stat("x")).isPresent();
            assertThat(b.createIfAbsent("x", new byte[] {2})).isFalse();
            assertThat(other.stat("x")).isEmpty();
            assertThat(a.describe()).isEqualTo("memory:" + ns);
        } finally {
            MemoryStorage.dropNamespace(ns);
        }
    }

    @Test
    void memoryHasNoOptions() {
        assertThatThrownBy(() -> new MemoryStorageProvider()
                        .create(new StorageConfig("x", new ProviderOptions("backup_options", Map.of("fsync", true)))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.fsync");
    }
}
