package io.backupkit.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupScheduler.Outcome;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.DatabaseInUseException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.core.config.BackupConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference host against the real PostgreSQL on 127.0.0.1:5432: install, upgrade, schedule. */
class ShopAppIT {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    @TempDir
    Path home;

    String db;
    String url;

    @BeforeEach
    void freshDatabase() {
        db = "bk_shop_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5));
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            String reason = "PostgreSQL on 127.0.0.1:5432 is not reachable: " + e.getMessage();
            if (Boolean.getBoolean("backup.it.required")) {
                fail(reason + " (backup.it.required=true)");
            }
            assumeTrue(false, reason);
        }
        url = SERVER + db;
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    boolean tableExists(String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                ResultSet rs = c.getMetaData().getTables(null, "public", table, null)) {
            return rs.next();
        }
    }

    @Test
    void installUpgradeAndDailyBackups() throws Exception {
        // first start: a fresh install takes no backup, and a media folder not created yet is fine
        try (ShopApp shop = new ShopApp(url, "postgres", home, ShopApp.Release.V1, false)) {
            assertThat(shop.backups().list()).isEmpty();
            assertThat(tableExists("product")).isTrue();
            shop.addProduct("blue mug", new byte[] {1, 2, 3});
        }
        // the upgrade: a pre-upgrade backup of version 1's schema before V2 runs
        try (ShopApp shop = new ShopApp(url, "postgres", home, ShopApp.Release.V2, false)) {
            assertThat(tableExists("customer_order")).isTrue();
            BackupInfo before = shop.backups().latest().orElseThrow();
            assertThat(before.labels()).containsExactly(CreateOptions.PRE_UPGRADE);
            assertThat(before.host().schemaVersion()).isEqualTo("1");
            assertThat(before.media().fileCount()).isEqualTo(1);
            // the daily schedule decides from the storage: a backup was just taken, none is due
            assertThat(shop.dailyBackups().runOnce()).isIn(Outcome.NOT_DUE, Outcome.OUTSIDE_WINDOW);
        }
    }

    @Test
    void aRestoreWithThePoolOpenNamesItsSessionsThenEndsThemWhenAsked() throws Exception {
        try (ShopApp shop = new ShopApp(url, "postgres", home, ShopApp.Release.V1, false)) {
            shop.addProduct("blue mug", new byte[] {1});
            BackupInfo backup = shop.backups().create().backup();
            shop.addProduct("red mug", new byte[] {2});
            assertThatThrownBy(() -> shop.backups().restore(RestoreOptions.of(backup.id())))
                    .isInstanceOfSatisfying(DatabaseInUseException.class, e -> assertThat(e.sessions())
                            .isNotEmpty()
                            .allSatisfy(s -> assertThat(s).contains("application 'shop'")));
            assertThat(shop.productCount()).as("nothing changed").isEqualTo(2);

            shop.restore(backup.id());
            assertThat(shop.productCount()).as("the pool reconnects, to the restored data").isEqualTo(1);
            assertThat(Files.exists(shop.media().resolve("products/red_mug.png"))).isFalse();
        }
    }

    @Test
    void aStorageThatCannotBeWrittenStopsTheStart() throws Exception {
        Files.writeString(home.resolve("backups"), "a file where the backup folder should be");
        assertThatThrownBy(() -> new ShopApp(url, "postgres", home, ShopApp.Release.V1, false))
                .isInstanceOf(BackupConfigurationException.class);
        assertThat(tableExists("product")).as("nothing migrated").isFalse();
    }

    @Test
    void aYamlConfigFileNamesTheDependencyItNeeds() throws Exception {
        Path file = Files.writeString(home.resolve("backup.yaml"), "backup_dir: /tmp/x\n");
        assertThatThrownBy(() -> BackupConfigLoader.create().configFile(file).load())
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("jackson-dataformat-yaml");
    }
}
