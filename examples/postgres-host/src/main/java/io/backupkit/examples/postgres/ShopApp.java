package io.backupkit.examples.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.CheckResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.flyway.BackupBeforeMigrate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * A small shop on PostgreSQL with uploaded product images, as a host application embeds backupkit:
 * the library gets the application's connection pool (no second copy of the credentials), checks
 * at start-up that backups can run, takes a backup before Flyway migrates to a new version, and
 * backs up daily when the admin switches that on.
 */
public final class ShopApp implements AutoCloseable {
    /** What one release of the shop is: its version and the migrations it ships. */
    public record Release(String version, List<String> migrations) {
        public static final Release V1 = new Release("1.0.0", List.of("classpath:db/v1"));
        public static final Release V2 = new Release("2.0.0", List.of("classpath:db/v1", "classpath:db/v2"));
    }

    private final HikariDataSource pool;
    private final Path media;
    private final BackupManager backups;
    private final BackupScheduler daily;

    /**
     * Starts the shop: the pool, a backup check (a problem stops the start, with every problem
     * listed), the schema migration with its pre-upgrade backup, and the daily backups if on.
     */
    public ShopApp(String jdbcUrl, String user, Path home, Release release, boolean dailyBackups) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPoolName("shop");
        config.addDataSourceProperty("ApplicationName", "shop"); // how a restore names the pool's sessions
        // small on purpose: Flyway with a callback needs three connections, the backup none more
        config.setMaximumPoolSize(3);
        this.pool = new HikariDataSource(config);
        this.media = home.resolve("media");
        try {
            this.backups = BackupManager.builder()
                    .dataSource(pool)
                    .storage("filesystem", home.resolve("backups").toString(), Map.of())
                    .mediaDir(media)
                    .hostApplication("shop", release.version())
                    .build();
            CheckResult check = backups.check();
            check.warnings().forEach(w -> System.err.println("shop: backup warning: " + w));
            Flyway.configure()
                    .dataSource(pool)
                    .locations(release.migrations().toArray(String[]::new))
                    .callbacks(new BackupBeforeMigrate(backups))
                    .load()
                    .migrate();
            Schedule schedule = Schedule.daily()
                    .window(LocalTime.of(1, 0), LocalTime.of(5, 0))
                    .retention(RetentionPolicy.builder()
                            .keepDaily(7)
                            .keepWeekly(4)
                            .keepPreUpgrade(3)
                            .build());
            this.daily = backups.scheduler(schedule);
            if (dailyBackups) {
                daily.start();
            }
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    public BackupManager backups() {
        return backups;
    }

    public BackupScheduler dailyBackups() {
        return daily;
    }

    /** The application's own pool, as its request handlers use it. */
    public HikariDataSource pool() {
        return pool;
    }

    /** Adds a product with its uploaded image. */
    public long addProduct(String name, byte[] image) throws SQLException, IOException {
        try (Connection c = pool.getConnection();
                PreparedStatement st =
                        c.prepareStatement("INSERT INTO product (name, image) VALUES (?, ?) RETURNING id")) {
            String file = "products/" + name.replaceAll("[^a-z0-9]", "_") + ".png";
            st.setString(1, name);
            st.setString(2, file);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Files.createDirectories(media.resolve(file).getParent());
                Files.write(media.resolve(file), image);
                return rs.getLong(1);
            }
        }
    }

    /**
     * The admin's restore: the pool's sessions are ended by the restore (it refuses while they are
     * open otherwise), then the pool drops them and opens new ones on the restored database.
     */
    public RestoreResult restore(BackupId backup) {
        RestoreResult result = backups.restore(RestoreOptions.of(backup).terminatingSessions());
        pool.getHikariPoolMXBean().softEvictConnections();
        return result;
    }

    /** The number of products, through the application's pool. */
    public long productCount() throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT count(*) FROM product");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public Path media() {
        return media;
    }

    @Override
    public void close() {
        try (pool;
                backups;
                daily) {
            // closed in reverse order: the scheduler, the manager, then the pool
        }
    }
}
