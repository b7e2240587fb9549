package io.backupkit.backup.core.storage;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.BackupStorageContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on {@link FilesystemStorage} with its fallbacks for file systems without hard
 * links: {@code createIfAbsent} by exclusive create, the put-back of {@code deleteIfUnchanged} by
 * check-then-rename.
 */
class FilesystemStorageWithoutHardLinksContractTest extends BackupStorageContract {
    @TempDir
    Path temp;

    @Override
    protected BackupStorage createStorage() {
        return FilesystemStorage.withoutHardLinks(temp.resolve("backups"));
    }

    @Override
    protected long largeObjectSize() {
        return 3L * 1024 * 1024 + 17; // the write path is the same as with hard links
    }
}
