package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar carries the SQLite dumper and driver: a create / restore round trip through the
 * jar with {@code BACKUP_DATABASE_URL=jdbc:sqlite:/path/app.db}, and a restore refused while another
 * process holds the database open.
 */
class CliSqliteIT {

    @TempDir
    Path tmp;

    @Test
    void sqliteRoundTripThroughTheJar() throws Exception {
        Path db = tmp.resolve("app.db");
        String url = "jdbc:sqlite:" + db;
        sql(
                url,
                "PRAGMA journal_mode = WAL",
                "PRAGMA user_version = 5",
                "CREATE TABLE part(id INTEGER PRIMARY KEY, name TEXT, photo BLOB)",
                "CREATE INDEX part_name ON part(name)",
                "INSERT INTO part VALUES (1, 'bolt', randomblob(50000))");
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        Map<String, String> env = Map.of(
                "BACKUP_DIR", tmp.resolve("backups").toString(),
                "BACKUP_DATABASE_URL", url,
                "BACKUP_MEDIA_DIR", media.toString());

        String[] created = run(env, "create", "--quiet");
        assertThat(created[0]).as(created[2]).isEqualTo("0");
        String id = created[1].strip();
        assertThat(tmp.resolve("backups").resolve(id + ".db.sqlite3.zst")).exists();

        sql(
                url,
                "INSERT INTO part VALUES (2, 'added later', NULL)",
                "CREATE TABLE added_later(x)",
                "PRAGMA user_version = 6");
        try (Connection host = DriverManager.getConnection(url)) {
            host.createStatement().executeQuery("SELECT 1").close();
            String[] refused = run(env, "restore", id, "--yes", "--no-safety-backup");
            assertThat(refused[0]).as(refused[2]).isEqualTo("1");
            assertThat(refused[2])
                    .contains("is in use")
                    .contains("pid " + ProcessHandle.current().pid())
                    .contains("Nothing was changed");
        }
        assertThat(count(url, "SELECT count(*) FROM part")).isEqualTo(2);

        String[] restored = run(env, "restore", id, "--yes");
        assertThat(restored[0]).as(restored[2]).isEqualTo("0");
        assertThat(count(url, "SELECT count(*) FROM part")).isEqualTo(1);
        assertThat(count(url, "SELECT count(*) FROM sqlite_schema WHERE name = 'added_later'"))
                .isZero();
        assertThat(count(url, "PRAGMA user_version")).isEqualTo(5);
        assertThat(count(url, "SELECT length(photo) FROM part WHERE id = 1")).isEqualTo(50000);
    }

    private static void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static long count(String url, String select) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(select)) {
            rs.next();
            return rs.getLong(1);
        }
    }
    /** Runs the jar; returns exit code, stdout, stderr. */
    private String[] run(Map<String, String> env, String... args) throws Exception {
        return CliJar.run(tmp, env, args);
    }
}
