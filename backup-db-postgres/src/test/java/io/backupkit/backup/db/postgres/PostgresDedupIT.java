package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.tck.fixtures.DedupChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup format on a real PostgreSQL database: exact round trips of the first backup after the
 * second exists and of the second after the first was pruned, and a second backup after rows spread
 * through a table were updated (they move to its end) stores a small part of what the first stored.
 */
class PostgresDedupIT {
    @TempDir
    Path dir;

    private PgTestDatabase db;

    @BeforeEach
    void setUp() throws Exception {
        db = PgTestDatabase.create("dd_");
        PgFixture.create(db);
        db.exec(
                "CREATE TABLE bulk (id int PRIMARY KEY, name text, payload text, n int)",
                "INSERT INTO bulk SELECT g, 'row ' || g, md5(g::text) || repeat(md5((g * 7)::text), 8), 0"
                        + " FROM generate_series(1, 60000) g");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    private BackupManager dedup(Path backupsDir, Path media) throws IOException {
        return BackupManager.builder()
                .storage("filesystem", backupsDir.toString(), Map.of())
                .format(BackupFormat.DEDUP)
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .mediaDir(media)
                .spoolDir(Files.createDirectories(dir.resolve("spool")))
                .hostApplication("it", "1.0")
                .build();
    }

    @Test
    void aSecondBackupStoresWhatChangedAndBothRoundTripExactly() throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "media file");
        Path backupsDir = dir.resolve("backups");
        try (BackupManager backups = dedup(backupsDir, media)) {
            String firstState = db.snapshot();
            BackupInfo first = backups.create().backup();
            long firstBytes = stored(backupsDir);

            db.exec(
                    "UPDATE bulk SET n = n + 1 WHERE id % 1000 = 0", // 60 rows spread through the table
                    "INSERT INTO bulk SELECT g, 'new ' || g, md5(g::text), 0 FROM generate_series(60001, 60300) g");
            Files.writeString(media.resolve("b.txt"), "another");
            String secondState = db.snapshot();
            Thread.sleep(1100);
            BackupInfo second = backups.create().backup();
            long added = stored(backupsDir) - firstBytes;
            assertThat(added)
                    .as("the second backup adds %d of the first's %d bytes", added, firstBytes)
                    .isLessThan(firstBytes / 3);

            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            assertThat(db.snapshot()).isEqualTo(firstState);

            DedupChecks.pruneToNewest(backups, second);
            PgFixture.changeEverything(db);
            backups.restore(RestoreOptions.of(second.id().value()).withSafetyBackup(false));
            assertThat(db.snapshot()).isEqualTo(secondState);
        }
    }

    @Test
    void aFlippedByteInAChunkOfTheDumpFailsTheRestoreAndChangesNothing() throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Path backupsDir = dir.resolve("backups");
        try (BackupManager backups = dedup(backupsDir, media)) {
            BackupInfo info = backups.create().backup(); // media empty: the packs hold the dump's chunks only
            DedupChecks.flipInEveryPack(backupsDir);
            Files.writeString(media.resolve("a.txt"), "written after the backup");
            db.exec("UPDATE bulk SET n = n + 1 WHERE id % 100 = 0");
            String state = db.snapshot();
            DedupChecks.assertRestoreRefused(backups, info, () -> {
                assertThat(db.snapshot()).isEqualTo(state);
                try (Stream<Path> s = Files.list(media)) {
                    assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a.txt");
                }
                assertThat(Files.readString(media.resolve("a.txt"))).isEqualTo("written after the backup");
            });
        }
    }

    private static long stored(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            long sum = 0;
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")) {
                    sum += Files.size(p);
                }
            }
            return sum;
        }
    }
}
