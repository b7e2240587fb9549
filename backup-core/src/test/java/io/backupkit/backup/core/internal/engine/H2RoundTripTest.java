package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Compression;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Create -> change everything -> restore gives back exactly the backed-up database and media folder. */
class H2RoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void restoreLeavesExactlyTheBackedUpState(Compression compression) throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        String db = f.databaseState();
        Map<String, String> media = f.mediaState();

        try (BackupManager backups = f.builder().compression(compression).build()) {
            CreateResult created = backups.create(CreateOptions.labelled("manual"));
            BackupInfo info = created.backup();
            assertThat(info.database().dumper()).isEqualTo("h2");
            assertThat(info.media().fileCount()).isEqualTo(5);
            assertThat(info.artifacts()).extracting(ArtifactInfo::kind).containsExactly("database", "media");
            assertThat(info.artifacts().get(1).name())
                    .endsWith(".media.tar" + (compression == Compression.NONE ? "" : "." + compression.extension()));
            assertThat(Files.exists(f.backups.resolve(info.id() + ".manifest.json")))
                    .isTrue();

            // change data and schema, add and remove media
            f.sql(
                    "CREATE TABLE later (id INT)",
                    "INSERT INTO later VALUES (1)",
                    "DELETE FROM part WHERE name = 'nulls'",
                    "ALTER TABLE part ADD COLUMN extra INT",
                    "SELECT NEXT VALUE FOR invoice_seq",
                    "DROP VIEW cheap_parts");
            f.write("attachments/new-file.bin", 100, 9);
            Files.delete(f.media.resolve("empty.txt"));
            Files.writeString(f.media.resolve("bin/run.sh"), "changed");
            assertThat(f.databaseState()).isNotEqualTo(db);

            RestoreResult restored =
                    backups.restore(RestoreOptions.of(info.id().value()).withSafety(RestoreOptions.Safety.BACKUP));
            assertThat(restored.databaseRestored()).isTrue();
            assertThat(restored.mediaRestored()).isTrue();
            assertThat(restored.safetyBackup()).isPresent();
            assertThat(restored.safetyBackup().get().labels()).containsExactly(CreateOptions.PRE_RESTORE);

            assertThat(f.databaseState()).isEqualTo(db);
            assertThat(f.mediaState()).isEqualTo(media);
            assertThat(backups.list()).hasSize(2);
            // nothing left beside the media folder (but its lock file) or in the spool
            try (var siblings = Files.list(tmp)) {
                assertThat(siblings.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("backups", "media", ".media.lock", "spool", "db");
            }
            try (var spool = Files.list(f.spool)) {
                assertThat(spool).isEmpty();
            }
        }
    }

    @Test
    void keepAsideKeepsTheRollbackScriptAndTheOldMediaFolderAndRollbackPutsThemBack() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups = f.builder().build()) {
            BackupInfo first = backups.create().backup();
            String db = f.databaseState();
            Map<String, String> media = f.mediaState();
            f.sql("INSERT INTO part (name, price) VALUES ('after', 1)");
            f.write("after.txt", 10, 1);
            String changedDb = f.databaseState();
            Map<String, String> changedMedia = f.mediaState();

            RestoreResult r = backups.restore(RestoreOptions.of(first.id().value()));

            assertThat(r.safetyBackup()).isEmpty();
            assertThat(backups.list()).hasSize(1);
            assertThat(f.databaseState()).isEqualTo(db);
            assertThat(f.mediaState()).isEqualTo(media);
            assertThat(backups.keptAside()).hasValueSatisfying(k -> assertThat(k.database() && k.media())
                    .isTrue());
            try (var siblings = Files.list(tmp)) {
                assertThat(siblings.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith(".backupkit-aside-h2-"))
                        .anyMatch(n -> n.startsWith(".media.old-"))
                        .contains(".media.kept-aside");
            }

            backups.rollback(io.backupkit.backup.RollbackOptions.defaults());

            assertThat(f.databaseState()).isEqualTo(changedDb);
            assertThat(f.mediaState()).isEqualTo(changedMedia);
            assertThat(backups.keptAside()).isEmpty();
            try (var siblings = Files.list(tmp)) {
                assertThat(siblings.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("backups", "media", ".media.lock", "spool", "db");
            }
        }
    }

    @Test
    void restoringTheSafetyBackupUndoesARestore() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups = f.builder().build()) {
            BackupInfo first = backups.create().backup();
            f.sql("INSERT INTO part (name, price) VALUES ('after', 1)");
            f.write("after.txt", 10, 1);
            String db = f.databaseState();
            Map<String, String> media = f.mediaState();
            RestoreResult r =
                    backups.restore(RestoreOptions.of(first.id().value()).withSafety(RestoreOptions.Safety.BACKUP));
            backups.restore(
                    RestoreOptions.of(r.safetyBackup().orElseThrow().id().value())
                            .withSafetyBackup(false));
            assertThat(f.databaseState()).isEqualTo(db);
            assertThat(f.mediaState()).isEqualTo(media);
        }
    }

    @Test
    void backupFolderInsideTheMediaFolderIsLeftOutAndSurvivesTheRestore() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        Path inside = f.media.resolve("backups");
        Map<String, String> media = f.mediaState();
        try (BackupManager backups =
                f.builder().storage("filesystem", inside.toString(), Map.of()).build()) {
            BackupInfo info = backups.create().backup();
            assertThat(info.media().fileCount()).isEqualTo(5);
            f.write("later.txt", 10, 1);
            backups.restore(RestoreOptions.latest());
            assertThat(backups.list()).extracting(b -> b.id()).contains(info.id());
            Map<String, String> after = f.mediaState();
            after.keySet().removeIf(k -> k.startsWith("backups"));
            assertThat(after).isEqualTo(media);
        }
    }

    @Test
    void mediaOnlyAndDatabaseOnlyBackupsSayWhichPartTheyHold() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager mediaOnly = f.builder().noDatabase().build()) {
            BackupInfo b = mediaOnly.create().backup();
            assertThat(b.database()).isNull();
            assertThat(b.artifacts()).extracting(ArtifactInfo::kind).containsExactly("media");
        }
        try (BackupManager dbOnly = f.builder().mediaDir(null).build()) {
            BackupInfo b = dbOnly.create().backup();
            assertThat(b.media()).isNull();
            assertThat(b.artifacts()).extracting(ArtifactInfo::kind).containsExactly("database");
            assertThat(dbOnly.list()).hasSize(2);
            assertThat(dbOnly.latest()).contains(b);
        }
    }

    @Test
    void listIsNewestFirstAndReadsManifestsOnly() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        try (BackupManager backups = f.builder().mediaDir(null).build()) {
            BackupInfo a = backups.create().backup();
            BackupInfo b = backups.create(CreateOptions.labelled("second")).backup();
            // an object that looks like an artifact but has no manifest is invisible
            Files.writeString(f.backups.resolve("backup-20991231T000000Z-ffff.db.sql.zst"), "junk");
            List<BackupInfo> list = backups.list();
            assertThat(list).extracting(BackupInfo::id).containsExactly(b.id(), a.id());
            assertThat(backups.get("latest").id()).isEqualTo(b.id());
        }
    }
}
