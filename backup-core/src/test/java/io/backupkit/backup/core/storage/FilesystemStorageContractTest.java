package io.backupkit.backup.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.BackupStorageContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract (T6) on {@link FilesystemStorage}, with fsync on. After every contract case
 * the folder must hold no temp file or tombstone: aborted writes and conditional deletes clean up.
 */
class FilesystemStorageContractTest extends BackupStorageContract {
    @TempDir
    Path temp;

    Path folder;

    @Override
    protected BackupStorage createStorage() {
        folder = temp.resolve("backups");
        return new FilesystemStorage(folder, true, null);
    }

    @AfterEach
    void noLeftoversInTheFolder() throws IOException {
        if (folder == null || !Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<String> hidden = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".") && !n.equals(FilesystemStorage.LOCK_FILE))
                    .collect(Collectors.toList());
            // the folder's lock file stays (see FilesystemStorage): empty, and never swept
            assertThat(hidden).as("temp files or tombstones left in " + folder).isEmpty();
        }
    }
}
