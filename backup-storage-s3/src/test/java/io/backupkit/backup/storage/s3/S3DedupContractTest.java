package io.backupkit.backup.storage.s3;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.DedupStorageContract;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK dedup contract on the S3 protocol (S3Proxy over real HTTP): packs of several MiB written
 * in 5 MiB multipart parts, chunks read back with ranged GETs, listings that cross pages.
 */
class S3DedupContractTest extends DedupStorageContract {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    @Override
    protected BackupStorage createStorage() {
        S3Storage storage = SERVER.storage(SERVER.newBucket(), "apps/dedup", Map.of("part_size", 5L * 1024 * 1024));
        storage.listPageSize(7);
        return storage;
    }
}
