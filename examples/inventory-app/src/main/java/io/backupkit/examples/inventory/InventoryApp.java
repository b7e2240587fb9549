package io.backupkit.examples.inventory;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.Secret;
import io.backupkit.backup.core.config.BackupConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.util.Map;

/**
 * A tiny inventory application (H2 database + a media folder of uploaded files) that embeds the
 * backup library the way a real host would:
 *
 * <ul>
 *   <li>its upgrade routine takes a {@code pre-upgrade} backup before migrating the schema, and
 *       restores it when the migration fails;
 *   <li>while it runs ({@code serve}), daily backups happen when an admin has switched them on
 *       ({@code INVENTORY_DAILY_BACKUP=true}; off by default), on the scheduler's own thread, with
 *       retention after each one;
 *   <li>an admin command restores the latest backup.
 * </ul>
 *
 * <pre>
 * java ... InventoryApp init    [DATA_DIR]   # version 1.0.0 schema, two parts, one photo
 * java ... InventoryApp upgrade [DATA_DIR]   # pre-upgrade backup, then migrate to 2.0.0
 * java ... InventoryApp upgrade-failing [DATA_DIR]  # migration fails, the backup is put back
 * java ... InventoryApp serve   [DATA_DIR]   # "the application runs": daily backups if switched on
 * java ... InventoryApp restore [DATA_DIR]   # restore the latest backup
 * java ... InventoryApp status  [DATA_DIR]
 * </pre>
 *
 * Backups go to {@code DATA_DIR/backups} unless {@code INVENTORY_BACKUP_DIR} (or any other {@code
 * INVENTORY_BACKUP_*} / {@code BACKUP_*} variable, see the README's configuration table) is set.
 */
public final class InventoryApp {
    /** The version this build of the application migrates to. */
    static final String VERSION = "2.0.0";

    private final Path home;
    private final String jdbcUrl;

    InventoryApp(Path home) {
        this.home = home.toAbsolutePath();
        this.jdbcUrl = "jdbc:h2:file:" + this.home.resolve("db/inventory");
    }

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "status";
        InventoryApp app = new InventoryApp(Path.of(args.length > 1 ? args[1] : "inventory-data"));
        switch (command) {
            case "init" -> app.init();
            case "upgrade" -> app.upgrade(false);
            case "upgrade-failing" -> app.upgrade(true);
            case "serve" -> app.serve();
            case "restore" -> app.restoreLatest();
            case "status" -> app.status();
            default -> {
                System.err.println("usage: InventoryApp init|upgrade|upgrade-failing|serve|restore|status [DATA_DIR]");
                System.exit(2);
            }
        }
    }

    /**
     * The backup manager. The simplest form is the builder; a host that wants its admins to
     * configure backups through the environment or a YAML file (INVENTORY_BACKUP_DIR, ...) uses
     * {@link BackupConfigLoader}, as here when INVENTORY_BACKUP_DIR is set.
     */
    BackupManager backups() {
        if (System.getenv("INVENTORY_BACKUP_DIR") != null) {
            return BackupConfigLoader.create().env(System.getenv()).envPrefix("INVENTORY_").load().toBuilder()
                    .database(jdbcUrl, "sa", Secret.of(""))
                    .mediaDir(home.resolve("media"))
                    .hostApplication("inventory-app", VERSION)
                    .build();
        }
        return BackupManager.builder()
                .storage("filesystem", home.resolve("backups").toString(), Map.of())
                .database(jdbcUrl, "sa", Secret.of(""))
                .mediaDir(home.resolve("media"))
                .hostApplication("inventory-app", VERSION)
                .build();
    }

    void init() throws SQLException, IOException {
        Files.createDirectories(home.resolve("media/photos"));
        Files.writeString(home.resolve("media/photos/bolt.txt"), "a photo of a bolt\n");
        sql(
                "CREATE TABLE IF NOT EXISTS app_version(version VARCHAR(20))",
                "DELETE FROM app_version",
                "INSERT INTO app_version VALUES ('1.0.0')",
                "DROP TABLE IF EXISTS part",
                "CREATE TABLE part(id INT PRIMARY KEY, name VARCHAR(100))",
                "INSERT INTO part VALUES (1, 'bolt'), (2, 'nut')");
        status();
    }

    /** The upgrade routine: back up, migrate, and on failure put the backup back. */
    void upgrade(boolean failMidway) throws SQLException {
        String from = version();
        if (from.equals(VERSION)) {
            System.out.println("already at " + VERSION);
            return;
        }
        try (BackupManager backups = backups()) {
            CreateResult backup = backups.createBeforeUpgrade(from, VERSION);
            System.out.println(
                    "pre-upgrade backup " + backup.id() + " (" + backup.backup().size() + " bytes)");
            try {
                migrate(failMidway);
                System.out.println("migrated " + from + " -> " + VERSION);
            } catch (SQLException e) {
                System.out.println("migration failed (" + e.getMessage() + "); restoring " + backup.id());
                backups.restore(RestoreOptions.of(backup.id()).withSafety(RestoreOptions.Safety.NONE));
                System.out.println("restored: the database is back at " + version());
            }
        }
        status();
    }

    /**
     * The running application: the admin setting decides whether daily backups run. The scheduler
     * decides from the storage whether one is due, so restarting the application does not cause an
     * extra backup, and several instances make one backup between them.
     */
    void serve() throws InterruptedException {
        boolean daily = Boolean.parseBoolean(System.getenv().getOrDefault("INVENTORY_DAILY_BACKUP", "false"));
        Schedule schedule = Schedule.daily()
                .window(LocalTime.of(1, 0), LocalTime.of(5, 0))
                .retention(RetentionPolicy.builder()
                        .keepDaily(7)
                        .keepWeekly(4)
                        .keepPreUpgrade(3)
                        .build());
        try (BackupManager backups = backups();
                BackupScheduler scheduler = backups.scheduler(schedule)) {
            if (daily) {
                scheduler.start();
            }
            System.out.println(
                    "serving; daily backups " + (daily ? "on (01:00-05:00 UTC)" : "off") + "; stop with Ctrl-C");
            Thread.currentThread().join();
        }
    }

    void restoreLatest() throws SQLException {
        try (BackupManager backups = backups()) {
            RestoreResult result = backups.restore(RestoreOptions.latest());
            System.out.println("restored " + result.restored().id() + ", safety backup "
                    + result.safetyBackup()
                            .map(BackupInfo::id)
                            .map(Object::toString)
                            .orElse("none"));
        }
        status();
    }

    void status() throws SQLException {
        System.out.println("version " + version() + ", parts: " + query("SELECT COUNT(*) FROM part"));
    }

    private void migrate(boolean failMidway) throws SQLException {
        // H2 commits DDL at once: without the backup a failure here would leave a half-migrated schema
        sql("ALTER TABLE part ADD COLUMN location VARCHAR(100)", "UPDATE part SET location = 'shelf A'");
        if (failMidway) {
            sql("INSERT INTO part VALUES (1, 'duplicate key', 'x')");
        }
        sql("UPDATE app_version SET version = '" + VERSION + "'");
    }

    String version() throws SQLException {
        return query("SELECT version FROM app_version");
    }

    String query(String select) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(select)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
