package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.VerifyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T11/T12 through the public API: broken backups (an artifact missing, a manifest unreadable) next
 * to intact ones. Verify and restore say what is wrong; prune never counts a backup with a missing
 * artifact in place of an intact one, keeps it (and reports it) instead of deleting it, and never
 * deletes the objects of an unreadable manifest as leftovers.
 */
class BrokenBackupsTest {
    @TempDir
    Path tmp;

    @Test
    void verifyRestoreAndPruneGiveClearResultsForBrokenBackups() throws Exception {
        MatrixFixture f = new MatrixFixture(tmp);
        f.createDatabase(20);
        f.createMedia(2, 1000, 8);
        try (BackupManager backups = f.builder().build()) {
            BackupInfo oldest = backups.create().backup();
            BackupInfo missingMedia = backups.create().backup();
            BackupInfo unreadable = backups.create().backup();
            BackupInfo newest = backups.create().backup();
            Files.delete(f.backups.resolve(
                    missingMedia.artifact(ArtifactInfo.MEDIA).orElseThrow().name()));
            Path unreadableManifest = f.backups.resolve(unreadable.id().value() + ".manifest.json");
            Files.writeString(unreadableManifest, "{ not json");

            // verify and restore say what is wrong
            assertThat(backups.verify(missingMedia.id().value(), VerifyMode.QUICK)
                            .problems())
                    .anyMatch(p -> p.contains("missing"));
            assertThatThrownBy(() ->
                            backups.restore(RestoreOptions.of(missingMedia.id().value())))
                    .isInstanceOf(CorruptBackupException.class);
            assertThatThrownBy(() -> backups.verify(unreadable.id().value(), VerifyMode.DEEP))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining(unreadable.id().value());
            assertThat(backups.list())
                    .extracting(b -> b.id().value())
                    .doesNotContain(unreadable.id().value());

            // prune: the unreadable backup's objects are never taken for leftovers
            RetentionPolicy keepTwo = new RetentionPolicy(2, 0, 0, 0, null, 0, Duration.ZERO);
            PruneResult dry = backups.prune(keepTwo, PruneMode.DRY_RUN);
            assertThat(dry.leftovers())
                    .noneMatch(n -> n.contains(unreadable.id().value()));
            assertThat(dry.kept()).extracting(BackupInfo::id).contains(newest.id());

            PruneResult pruned = backups.prune(RetentionPolicy.keepLast(1), PruneMode.APPLY);
            // the backup with a missing part is neither counted nor deleted: its database dump may
            // be the only copy (a database-only restore still works); prune reports it instead
            assertThat(pruned.kept()).extracting(BackupInfo::id).containsExactly(newest.id(), missingMedia.id());
            assertThat(pruned.deleted()).extracting(BackupInfo::id).containsExactly(oldest.id());
            Set<String> left = new TreeSet<>(f.backupFolder());
            assertThat(left).containsAll(MatrixFixture.objectsOf(newest));
            assertThat(left)
                    .as("an unreadable manifest and its artifacts are kept for a human to look at")
                    .containsAll(MatrixFixture.objectsOf(unreadable));
            assertThat(left).noneMatch(n -> n.startsWith(oldest.id().value()));
            assertThat(left).contains(missingMedia.id().value() + ".manifest.json");
            assertThat(backups.verify(newest.id().value(), VerifyMode.DEEP).ok())
                    .isTrue();
        }
    }

    /**
     * T12 "incomplete never counted": a backup whose artifact is missing must not take the place
     * of an intact one under a keep-last rule: prune checks every artifact against the storage's
     * listing, keeps such a backup without counting it, and reports it.
     */
    @Test
    void aBackupWithAMissingArtifactDoesNotCountAsOneOfTheBackupsKept() throws Exception {
        MatrixFixture f = new MatrixFixture(tmp);
        f.createDatabase(20);
        f.createMedia(2, 1000, 8);
        try (BackupManager backups = f.builder().build()) {
            BackupInfo older = backups.create().backup();
            BackupInfo broken = backups.create().backup();
            BackupInfo newest = backups.create().backup();
            Files.delete(f.backups.resolve(
                    broken.artifact(ArtifactInfo.DATABASE).orElseThrow().name()));
            PruneResult dry = backups.prune(new RetentionPolicy(2, 0, 0, 0, null, 0, Duration.ZERO), PruneMode.DRY_RUN);
            System.out.println("kept " + dry.kept().stream().map(BackupInfo::id).toList() + ", deleted "
                    + dry.deleted().stream().map(BackupInfo::id).toList());
            assertThat(dry.kept()).extracting(BackupInfo::id).contains(newest.id(), older.id());
        }
    }
}
