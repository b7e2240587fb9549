package io.backupkit.backup.core.storage;

import io.backupkit.backup.spi.BackupStorage;

/**
 * The storage contract on {@link FilesystemStorage} with its fallbacks for file systems without hard
 * links: {@code createIfAbsent} by exclusive create, the put-back of {@code deleteIfUnchanged} by
 * check-then-rename. Like the test it extends, it checks after each case that no temp file or
 * tombstone is left.
 */
class FilesystemStorageWithoutHardLinksContractTest extends FilesystemStorageContractTest {
    @Override
    protected BackupStorage createStorage() {
        folder = temp.resolve("backups");
        return FilesystemStorage.withoutHardLinks(folder);
    }

    @Override
    protected long largeObjectSize() {
        return 3L * 1024 * 1024 + 17; // the write path is the same as with hard links
    }
}
