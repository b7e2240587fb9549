package io.backupkit.backup.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.RestoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The callback on the host setup the README describes: PostgreSQL, Flyway 11 with its PostgreSQL
 * module, a fresh database that the first migrate() creates, and a media folder that does not
 * exist until the application first stores a file.
 */
class BackupBeforeMigratePostgresIT {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    @TempDir
    Path tmp;

    String db;
    String url;
    Path migrations;
    Path media;
    FlywayTarget target;

    @BeforeEach
    void freshDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            db = "bk_flyway_" + HexFormat.of().formatHex(SecureRandom.getSeed(5));
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + db);
            }
        } catch (SQLException e) {
            String reason = "PostgreSQL on 127.0.0.1:5432 is not reachable: " + e.getMessage();
            if (Boolean.getBoolean("backup.it.required")) {
                fail(reason + " (backup.it.required=true)");
            }
            assumeTrue(false, reason);
        }
        url = SERVER + db;
        migrations = Files.createDirectories(tmp.resolve("migrations"));
        media = tmp.resolve("media"); // not created: a first start
        Files.writeString(
                migrations.resolve("V1__parts.sql"),
                "CREATE TABLE part (id INT PRIMARY KEY, name TEXT); INSERT INTO part VALUES (1, 'widget');");
        target = new FlywayTarget(tmp, migrations, media, url, "postgres", "public", name -> name);
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (db != null) {
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                    Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    @Test
    void freshInstallTakesNoBackupAndAnUpgradeDoes() throws Exception {
        try (BackupManager backups = target.backups()) {
            target.migrate(backups);
            assertThat(backups.list()).as("nothing to lose on a fresh install").isEmpty();
            assertThat(target.tableExists("part")).isTrue();

            Files.writeString(migrations.resolve("V2__suppliers.sql"), "CREATE TABLE supplier (id INT);");
            target.migrate(backups);
            BackupInfo before2 = backups.latest().orElseThrow();
            assertThat(before2.labels()).containsExactly(CreateOptions.PRE_UPGRADE);
            assertThat(before2.host().schemaVersion()).isEqualTo("1");
            assertThat(target.tableExists("supplier")).isTrue();

            backups.restore(RestoreOptions.of(before2.id().value()).withSafetyBackup(false));
            assertThat(target.tableExists("supplier")).isFalse();
            assertThat(target.tableExists("part")).isTrue();
        }
    }

    @Test
    void aSchemaWithTablesButNoAppliedMigrationIsBackedUp() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE legacy (id INT)"); // a database put under Flyway later
        }
        try (BackupManager backups = target.backups()) {
            target.migrateFromBaseline(backups);
            assertThat(backups.list()).hasSize(1);
        }
    }
}
