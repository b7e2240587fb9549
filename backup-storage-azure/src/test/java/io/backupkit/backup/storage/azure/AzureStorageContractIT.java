package io.backupkit.backup.storage.azure;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.BackupStorageContract;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK storage contract against Azurite over real HTTP. Each test gets a fresh container; blocks
 * are 1 MiB so the large object spans three staged blocks, and the listing test crosses pages.
 */
class AzureStorageContractIT extends BackupStorageContract {
    @RegisterExtension
    static final AzuriteServer AZURITE = new AzuriteServer();

    private static final int BLOCK = 1024 * 1024;

    @Override
    protected BackupStorage createStorage() {
        AzureStorage storage = AZURITE.storage(AZURITE.newContainer(), "contract/backups", Map.of("block_size", BLOCK));
        storage.listPageSize(7);
        return storage;
    }

    @Override
    protected long largeObjectSize() {
        return 2L * BLOCK + 12_345;
    }
}
