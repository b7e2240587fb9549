package io.backupkit.backup.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.spi.SpiVersion;
import org.junit.jupiter.api.Test;

/** A provider author learns from the failure what to fix: the services file, a shared id, the SPI version. */
class ProvidersTest {
    @Test
    void aRegisteredProviderIsFoundByItsId() {
        assertThat(Providers.encryption("found")).isInstanceOf(TestEncryptionProviders.Found.class);
    }

    @Test
    void anUndiscoverableProviderNamesTheServicesFileToFix() {
        assertThatThrownBy(() -> Providers.storage("s3"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no BackupStorageProvider with id 's3'")
                .hasMessageContaining("META-INF/services/io.backupkit.backup.spi.BackupStorageProvider");
        assertThatThrownBy(() -> Providers.encryption("missing"))
                .hasMessageContaining("found (" + TestEncryptionProviders.Found.class.getName() + ")");
    }

    @Test
    void twoProvidersWithOneIdAreNamedBoth() {
        assertThatThrownBy(() -> Providers.encryption("twin"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(TestEncryptionProviders.TwinA.class.getName())
                .hasMessageContaining(TestEncryptionProviders.TwinB.class.getName());
    }

    @Test
    void aProviderOfAnotherSpiVersionIsRefused() {
        assertThatThrownBy(() -> Providers.encryption("old"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("declares SPI version " + (SpiVersion.MAJOR - 1));
    }
}
