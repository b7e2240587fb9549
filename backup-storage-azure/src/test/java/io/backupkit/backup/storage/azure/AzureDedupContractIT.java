package io.backupkit.backup.storage.azure;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.DedupStorageContract;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK dedup contract against Azurite over real HTTP: packs staged in 1 MiB blocks, chunks read
 * back with ranged downloads, listings that cross pages.
 */
class AzureDedupContractIT extends DedupStorageContract {
    @RegisterExtension
    static final AzuriteServer AZURITE = new AzuriteServer();

    @Override
    protected BackupStorage createStorage() {
        AzureStorage storage = AZURITE.storage(AZURITE.newContainer(), "apps/dedup", Map.of("block_size", 1024 * 1024));
        storage.listPageSize(7);
        return storage;
    }
}
