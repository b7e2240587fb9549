package io.backupkit.backup.flyway;

import io.backupkit.backup.BackupManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * A database that a test migrates with Flyway and the callback installed: its URL and user (no
 * password), the schema and spelling its table names have in the metadata, the migrations and media
 * folders, and the backups below {@code tmp}.
 */
record FlywayTarget(
        Path tmp,
        Path migrations,
        Path media,
        String url,
        String user,
        String schema,
        UnaryOperator<String> tableName) {

    BackupManager backups() {
        return BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                .database(url, user, null)
                .mediaDir(media)
                .spoolDir(tmp.resolve("spool"))
                .build();
    }

    void migrate(BackupManager backups) {
        flyway(backups).load().migrate();
    }

    /** A migrate that puts a schema with tables but no Flyway history under Flyway (baseline 0). */
    void migrateFromBaseline(BackupManager backups) {
        flyway(backups).baselineOnMigrate(true).baselineVersion("0").load().migrate();
    }

    private FluentConfiguration flyway(BackupManager backups) {
        return Flyway.configure()
                .dataSource(url, user, "")
                .locations("filesystem:" + migrations)
                .callbacks(new BackupBeforeMigrate(backups));
    }

    boolean tableExists(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "");
                ResultSet rs = c.getMetaData().getTables(null, schema, tableName.apply(name), null)) {
            return rs.next();
        }
    }
}
