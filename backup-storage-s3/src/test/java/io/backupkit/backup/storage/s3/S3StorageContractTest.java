package io.backupkit.backup.storage.s3;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.BackupStorageContract;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK storage contract against S3Proxy 4.1 in-process over real HTTP. Each test gets a fresh
 * bucket; parts are S3's minimum of 5 MiB, so the large object spans three parts and the listing
 * test spans several pages.
 */
class S3StorageContractTest extends BackupStorageContract {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static final long PART = 5L * 1024 * 1024;

    @Override
    protected BackupStorage createStorage() {
        S3Storage storage = SERVER.storage(SERVER.newBucket(), "contract/backups", Map.of("part_size", PART));
        storage.listPageSize(7); // the listing test (30 objects) crosses several pages
        return storage;
    }

    @Override
    protected long largeObjectSize() {
        return 2 * PART + 12_345; // three parts, the last one partial
    }
}
