package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RetentionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** T14 through the API: {@code prune(policy, true)} reports what it would delete and deletes nothing. */
class PruneDryRunTest {
    @TempDir
    Path tmp;

    @Test
    void t14_aDryRunPruneDeletesNeitherBackupsNorLeftovers() throws Exception {
        MatrixFixture f = new MatrixFixture(tmp);
        f.createDatabase(5);
        f.createMedia(2, 1000, 3);
        try (BackupManager backups = f.builder().build()) {
            BackupInfo older = backups.create().backup();
            BackupInfo newest = backups.create().backup();
            // an artifact without a manifest, as a killed create leaves it, an hour old
            Path leftover = f.backups.resolve("backup-20000101T000000Z-dead.media.tar.zst");
            Files.write(leftover, new byte[] {1, 2, 3});
            Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            Set<String> before = f.backupFolder();

            PruneResult dry = backups.prune(new RetentionPolicy(1, 0, 0, 0, null, 0, Duration.ZERO), PruneMode.DRY_RUN);

            assertThat(dry.dryRun()).isTrue();
            assertThat(dry.deleted()).extracting(BackupInfo::id).containsExactly(older.id());
            assertThat(dry.leftovers()).anyMatch(n -> n.contains("backup-20000101T000000Z-dead"));
            assertThat(f.backupFolder()).as("a dry run deletes nothing").isEqualTo(before);
            assertThat(backups.list()).extracting(BackupInfo::id).containsExactly(newest.id(), older.id());
        }
    }
}
