package io.backupkit.backup.core.storage;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.DedupStorageContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The TCK dedup contract on {@link FilesystemStorage}, the reference a storage author compares with. */
class FilesystemDedupContractTest extends DedupStorageContract {
    @TempDir
    Path folder;

    @Override
    protected BackupStorage createStorage() {
        return new FilesystemStorage(folder.resolve("backups"), true, null);
    }
}
