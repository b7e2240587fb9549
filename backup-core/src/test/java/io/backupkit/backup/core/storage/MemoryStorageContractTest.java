package io.backupkit.backup.core.storage;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.BackupStorageContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The storage contract (T6) on {@link MemoryStorage}. */
class MemoryStorageContractTest extends BackupStorageContract {
    private String namespace;

    @Override
    protected BackupStorage createStorage() {
        namespace = "contract-" + UUID.randomUUID();
        return new MemoryStorage(namespace);
    }

    @AfterEach
    void dropNamespace() {
        MemoryStorage.dropNamespace(namespace);
    }
}
