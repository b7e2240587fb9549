package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * T4, filesystem part: a backup folder that cannot be written fails fast (well within a second)
 * with an {@link UnableToStoreException} that names the folder and says what to do, after one
 * attempt: no retry storm (the calls into the storage are counted). The S3 and Dropbox parts of T4
 * (403, no bucket, 5xx retried with backoff) are in their modules.
 */
class PermanentErrorTest {
    @TempDir
    Path tmp;

    MatrixFixture f;
    Path blocker;
    Path belowAFile;

    @BeforeEach
    void setUp() throws Exception {
        f = new MatrixFixture(tmp);
        f.createDatabase(50);
        f.createMedia(2, 1000, 1);
        blocker = Files.writeString(tmp.resolve("not-a-folder"), "a regular file");
        belowAFile = blocker.resolve("backups");
    }

    /** Runs {@code call}, which must throw {@link UnableToStoreException} within a second; returns it. */
    private static UnableToStoreException failsFast(Executable call) {
        long t0 = System.nanoTime();
        UnableToStoreException e = org.junit.jupiter.api.Assertions.assertThrows(UnableToStoreException.class, call);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(e.isTransient())
                .as("a permanent failure is not marked retryable")
                .isFalse();
        return e;
    }

    @Test
    void createBelowARegularFileFailsFastNamingTheFolderWithoutRetrying() throws Exception {
        CountingStorage storage = new CountingStorage(new FilesystemStorage(belowAFile, false, null));
        try (BackupManager backups =
                f.builder().component(BackupStorage.class, storage).build()) {
            backups.list(); // warm up class loading: the time limit is for the failure, not the JVM
            int before = storage.total();

            UnableToStoreException e = failsFast(() -> backups.create(CreateOptions.labelled("manual")));

            assertThat(e.getMessage()).contains(belowAFile.toString()).containsIgnoringCase("storage location");
            assertThat(e.storage()).isEqualTo(belowAFile.toString());
            assertThat(storage.total() - before)
                    .as("one attempt, no retries: %s", storage.calls())
                    .isLessThanOrEqualTo(2);
        }
        assertThat(Files.readString(blocker))
                .as("the file in the way is untouched")
                .isEqualTo("a regular file");
    }

    @Test
    void theConfiguredProviderFailsTheSameWay() throws Exception {
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", belowAFile.toString(), Map.of("fsync", false))
                .database(f.url, "sa", null)
                .mediaDir(f.media)
                .spoolDir(f.spool)
                .build()) {
            UnableToStoreException e = failsFast(backups::create);
            assertThat(e.getMessage()).contains(belowAFile.toString());
            UnableToStoreException p = failsFast(
                    () -> backups.prune(new RetentionPolicy(1, 0, 0, 0, null, 0, Duration.ZERO), PruneMode.APPLY));
            assertThat(p.getMessage()).contains(belowAFile.toString());
        } catch (BackupException buildFailure) {
            // a provider may refuse such a folder when it is built: that is as fast and as clear
            assertThat(buildFailure).isInstanceOf(UnableToStoreException.class);
            assertThat(buildFailure.getMessage()).contains(belowAFile.toString());
        }
    }

    @Test
    void aReadOnlyFolderFailsFastNamingTheFolder() throws Exception {
        assumeThat(System.getProperty("user.name"))
                .as("root writes into read-only folders: this case needs a normal user")
                .isNotEqualTo("root");
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try (BackupManager backups = f.builder()
                .storage("filesystem", readOnly.toString(), Map.of("fsync", false))
                .build()) {
            UnableToStoreException e = failsFast(backups::create);
            assertThat(e.getMessage()).contains(readOnly.toString());
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
