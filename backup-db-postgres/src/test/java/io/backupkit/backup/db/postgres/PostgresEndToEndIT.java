package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.RestoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the library's facade: {@link BackupManager} with filesystem storage and zstd finds the
 * {@code postgres} dumper by the URL, records server and tool in the manifest, and restores the exact
 * state.
 */
class PostgresEndToEndIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest(PgFixture::create);

    @Test
    void createAndRestoreThroughTheBackupManager() throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "media file");
        String before = db.snapshot();
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .mediaDir(media)
                .spoolDir(Files.createDirectories(dir.resolve("spool")))
                .hostApplication("it", "1.0")
                .build()) {
            CreateResult created = backups.create();
            BackupInfo info = backups.latest().orElseThrow();
            assertThat(info.id()).isEqualTo(created.backup().id());
            assertThat(info.database().dumper()).isEqualTo("postgres");
            assertThat(info.database().product()).isEqualTo("PostgreSQL");
            assertThat(info.database().tool()).isEqualTo("pg_dump");
            assertThat(info.database().toolVersion()).matches("\\d+.*");
            assertThat(info.database().format()).isEqualTo("pgdump");

            PgFixture.changeEverything(db);
            backups.restore(RestoreOptions.of(info.id().toString()).withSafety(RestoreOptions.Safety.BACKUP));

            assertThat(db.snapshot()).isEqualTo(before);
            assertThat(backups.list()).hasSize(2); // the backup and the pre-restore safety backup
        }
    }

    @Test
    void aCorruptMediaArchiveFoundWhileTheDatabaseRestoreRunsRollsTheDatabaseBack() throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        byte[] block = new byte[1 << 20];
        new java.util.Random(3).nextBytes(block);
        for (int i = 0; i < 24; i++) {
            Files.write(media.resolve("file-" + i + ".bin"), block);
        }
        Path backupsDir = dir.resolve("backups");
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", backupsDir.toString(), Map.of())
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .mediaDir(media)
                .compression(io.backupkit.backup.Compression.NONE)
                .spoolDir(Files.createDirectories(dir.resolve("spool")))
                .build()) {
            BackupInfo info = backups.create().backup();
            // the manager chose the postgres dumper, which restores behind a commit gate
            assertThat(info.database().dumper()).isEqualTo("postgres");
            assertThat(db.dumper().gatesCommit()).isTrue();
            // a flipped byte late in the tar: the extraction succeeds, only the digest at the end tells
            Path mediaArtifact =
                    backupsDir.resolve(info.artifact("media").orElseThrow().name());
            byte[] stored = Files.readAllBytes(mediaArtifact);
            stored[stored.length - 4096] ^= 0x01;
            Files.write(mediaArtifact, stored);

            PgFixture.changeEverything(db);
            String changed = db.snapshot();
            assertThatThrownBy(() -> backups.restore(
                            RestoreOptions.of(info.id().toString()).withSafetyBackup(false)))
                    .isInstanceOf(io.backupkit.backup.CorruptBackupException.class)
                    .hasMessageContaining(info.artifact("media").orElseThrow().name());
            assertThat(db.snapshot())
                    .as("the database restore was refused at its commit gate")
                    .isEqualTo(changed);
            try (var files = Files.list(media)) {
                assertThat(files).hasSize(24);
            }
        }
    }

    @Test
    void aDumpDamagedWhereTheToolsCannotTellIsRefusedAtTheCommitGate() throws Exception {
        // uncompressed, a flipped byte in row data loads fine: only the digest, checked from the
        // restore's own read just before COMMIT, can tell; the transaction must not commit
        Path backupsDir = dir.resolve("backups");
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", backupsDir.toString(), Map.of())
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .compression(io.backupkit.backup.Compression.NONE)
                .spoolDir(Files.createDirectories(dir.resolve("spool")))
                .build()) {
            BackupInfo info = backups.create().backup();
            Path dump =
                    backupsDir.resolve(info.artifact("database").orElseThrow().name());
            byte[] bytes = Files.readAllBytes(dump);
            bytes[bytes.length / 2] ^= 0x01;
            Files.write(dump, bytes);
            PgFixture.changeEverything(db);
            String changed = db.snapshot();
            assertThatThrownBy(() -> backups.restore(
                            RestoreOptions.of(info.id().toString()).withSafetyBackup(false)))
                    .isInstanceOf(io.backupkit.backup.CorruptBackupException.class)
                    .hasMessageContaining(dump.getFileName().toString());
            assertThat(db.snapshot()).isEqualTo(changed);
        }
    }

    @Test
    void t24_aPgDumpKilledDuringCreateLeavesNoBackup() throws Exception {
        Path backupsDir = dir.resolve("backups");
        try (BackupManager backups = BackupManager.builder()
                        .storage("filesystem", backupsDir.toString(), Map.of())
                        .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                        .build();
                java.sql.Connection locker = db.connect()) {
            // hold pg_dump at its table locks so it is surely running when it is killed
            locker.setAutoCommit(false);
            try (java.sql.Statement st = locker.createStatement()) {
                st.execute("CREATE TABLE held (x int)");
                locker.commit();
                st.execute("LOCK TABLE held IN ACCESS EXCLUSIVE MODE");
            }
            java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread create = new Thread(() -> {
                try {
                    backups.create();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            create.start();
            ProcessHandle pgDump = ToolProcesses.child("pg_dump"); // the dump, not its --version probe
            assertThat(pgDump).as("pg_dump was started").isNotNull();
            assertThat(pgDump.destroyForcibly()).isTrue(); // SIGKILL
            create.join(60_000);
            locker.rollback();
            assertThat(create.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOf(io.backupkit.backup.BackupException.class);
            assertThat(backups.list()).isEmpty();
            try (var files = Files.list(backupsDir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".manifest.json"));
            }
        }
    }

    @Test
    void aMissingPgDumpFailsTheBackupAndListsNothing() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-bin"));
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .dumper("postgres", Map.of("bin_dir", empty.toString()))
                .build()) {
            assertThatThrownBy(backups::create)
                    .isInstanceOf(DatabaseToolException.class)
                    .hasMessageContaining("pg_dump");
            assertThat(backups.list()).isEmpty();
        }
    }
}
