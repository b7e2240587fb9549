package io.backupkit.backup.core.spi;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.ProviderNotFoundException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.StorageConfig;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A provider built against another major SPI version is refused, named, with what to do. */
class SpiVersionTest {
    /** As a provider compiled against SPI 1 looks to this library. */
    public static final class OldStorageProvider implements BackupStorageProvider {
        @Override
        public String id() {
            return "old-spi";
        }

        @Override
        public int spiVersion() {
            return 1;
        }

        @Override
        public BackupStorage create(StorageConfig config) {
            throw new AssertionError("a refused provider is never asked to create anything");
        }
    }

    @TempDir
    Path tmp;

    @Test
    void namedByClassItIsRefused() {
        assertThatThrownBy(() -> BackupManager.builder()
                        .storage(OldStorageProvider.class.getName(), tmp.toString(), Map.of())
                        .build())
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("built for SPI version 1")
                .hasMessageContaining("backup-bom");
    }

    @Test
    void foundByServiceLoaderItIsSkippedAndNamedWhenAskedFor() throws Exception {
        Path services = Files.createDirectories(tmp.resolve("cp/META-INF/services"));
        Files.writeString(
                services.resolve(BackupStorageProvider.class.getName()), OldStorageProvider.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {tmp.resolve("cp").toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> BackupManager.builder()
                            .classLoader(loader)
                            .storage("old-spi", tmp.resolve("backups").toString(), Map.of())
                            .build())
                    .isInstanceOf(ProviderNotFoundException.class)
                    .hasMessageContaining("built for SPI version 1");
        }
    }
}
