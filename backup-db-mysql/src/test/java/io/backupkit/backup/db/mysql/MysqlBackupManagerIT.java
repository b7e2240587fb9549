package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through {@link BackupManager}: the provider is found from the URL, backs up and restores. */
class MysqlBackupManagerIT {
    @TempDir
    Path dir;

    private String db;

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServer.require();
        db = MariaDbServer.createDatabase();
        RichFixture.create(db);
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropDatabase(db);
    }

    private BackupManager manager(Map<String, ?> dumperOptions) throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "media");
        return BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(MariaDbServer.url(db), MariaDbServer.ROOT, null)
                .dumper("mysql", dumperOptions)
                .mediaDir(media)
                .hostApplication("mysql-it", "1.0.0")
                .spoolDir(Files.createDirectories(dir.resolve("spool")))
                .build();
    }

    @Test
    void createThenRestoreGivesBackTheDatabase() throws Exception {
        String before = MysqlSnapshots.of(db);
        try (BackupManager backups = manager(Map.of())) {
            CreateResult created = backups.create();
            assertThat(created.backup().database().dumper()).isEqualTo("mysql");
            assertThat(created.backup().database().product()).isEqualTo("MariaDB");
            assertThat(created.backup().database().tool()).isEqualTo("mariadb-dump");
            assertThat(created.backup().database().format()).isEqualTo("sql");

            RichFixture.change(db);
            RestoreResult restored =
                    backups.restore(RestoreOptions.of(created.id().toString()));

            assertThat(restored.databaseRestored()).isTrue();
            assertThat(restored.safetyBackup()).isPresent();
            assertThat(MysqlSnapshots.of(db)).isEqualTo(before);
        }
    }

    @Test
    void aMissingDumpToolLeavesNoBackup() throws Exception {
        Path emptyBin = Files.createDirectories(dir.resolve("bin"));
        try (BackupManager backups = manager(Map.of("bin_dir", emptyBin.toString()))) {
            Throwable thrown = catchThrowable(backups::create);

            assertThat(thrown).isInstanceOf(DatabaseToolException.class).hasMessageContaining("mariadb-dump");
            assertThat(backups.list()).isEmpty();
        }
    }
}
