package io.backupkit.backup.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.RestoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real H2 database migrated by a real Flyway with the callback installed. */
class BackupBeforeMigrateTest {
    @TempDir
    Path tmp;

    Path migrations;
    Path media;
    String url;
    FlywayTarget target;

    @BeforeEach
    void setUp() throws Exception {
        migrations = Files.createDirectories(tmp.resolve("migrations"));
        media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("logo.png"), "png");
        url = "jdbc:h2:file:" + tmp.resolve("db/app").toAbsolutePath();
        Files.writeString(
                migrations.resolve("V1__parts.sql"),
                "CREATE TABLE part (id INT PRIMARY KEY, name VARCHAR(100));"
                        + "INSERT INTO part VALUES (1, 'widget');");
        target = new FlywayTarget(tmp, migrations, media, url, "sa", "PUBLIC", String::toUpperCase);
    }

    @Test
    void freshInstallTakesNoBackup() {
        try (BackupManager backups = target.backups()) {
            target.migrate(backups);
            assertThat(backups.list()).isEmpty();
        }
    }

    @Test
    void firstMigrationOfAnExistingSchemaIsBackedUp() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("CREATE TABLE legacy (id INT)");
        }
        try (BackupManager backups = target.backups()) {
            target.migrateFromBaseline(backups);
            assertThat(backups.list()).singleElement().satisfies(b -> {
                assertThat(b.labels()).containsExactly(CreateOptions.PRE_UPGRADE);
                assertThat(b.attributes()).containsEntry("to-version", "1");
            });
        }
    }

    @Test
    void backupIsTakenBeforePendingMigrationsAndRecordsTheSchemaVersion() throws Exception {
        try (BackupManager backups = target.backups()) {
            target.migrate(backups);
            assertThat(backups.list()).isEmpty();

            Files.writeString(migrations.resolve("V2__suppliers.sql"), "CREATE TABLE supplier (id INT);");
            target.migrate(backups);
            BackupInfo before2 = backups.latest().orElseThrow();
            assertThat(backups.list()).hasSize(1);
            assertThat(before2.host().schemaVersion()).isEqualTo("1");
            assertThat(before2.attributes()).containsEntry("from-version", "1").containsEntry("to-version", "2");
            assertThat(target.tableExists("supplier")).isTrue();

            // the backup holds the state before V2 ran
            backups.restore(RestoreOptions.of(before2.id().value()).withSafetyBackup(false));
            assertThat(target.tableExists("supplier")).isFalse();
            assertThat(target.tableExists("part")).isTrue();
        }
    }

    @Test
    void noBackupWhenNothingIsPending() throws Exception {
        try (BackupManager backups = target.backups()) {
            target.migrate(backups);
            Files.writeString(migrations.resolve("V2__suppliers.sql"), "CREATE TABLE supplier (id INT);");
            target.migrate(backups);
            target.migrate(backups);
            assertThat(backups.list()).hasSize(1);
        }
    }

    @Test
    void aMediaFolderNotCreatedYetIsBackedUpAsAnEmptyOne() throws Exception {
        try (BackupManager backups = target.backups()) {
            target.migrate(backups);
            Files.writeString(migrations.resolve("V2__suppliers.sql"), "CREATE TABLE supplier (id INT);");
            Files.move(media, tmp.resolve("media-not-yet"));
            target.migrate(backups);
            assertThat(target.tableExists("supplier")).isTrue();
            assertThat(backups.latest().orElseThrow().media().fileCount()).isZero();
        }
    }

    @Test
    void failedBackupStopsTheMigration() throws Exception {
        try (BackupManager backups = target.backups()) {
            target.migrate(backups);
            Files.writeString(migrations.resolve("V2__suppliers.sql"), "CREATE TABLE supplier (id INT);");
            Files.delete(media.resolve("logo.png"));
            Files.delete(media);
            Files.writeString(media, "a file where the media folder should be");
            assertThatThrownBy(() -> target.migrate(backups))
                    .isInstanceOf(FlywayException.class)
                    .hasMessageContaining("migration was not started");
            assertThat(target.tableExists("supplier")).isFalse();
            assertThat(backups.list()).isEmpty();
        }
    }
}
