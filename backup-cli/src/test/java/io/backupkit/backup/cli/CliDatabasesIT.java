package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar carries the PostgreSQL and MySQL/MariaDB dumpers and drivers: a create / restore
 * round trip through the jar against the local servers (PostgreSQL 127.0.0.1:5432 user postgres,
 * MariaDB 127.0.0.1:3306 user root). Skips when a server is missing, unless {@code
 * backup.it.required=true}.
 */
class CliDatabasesIT {

    @TempDir
    Path tmp;

    @Test
    void postgresRoundTripThroughTheJar() throws Exception {
        String name = "cli_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String admin = "jdbc:postgresql://127.0.0.1:5432/test";
        String url = "jdbc:postgresql://127.0.0.1:5432/" + name;
        serverOrSkip(admin, "postgres", "PostgreSQL");
        sql(admin, "postgres", "CREATE DATABASE " + name);
        try {
            roundTrip(url, "postgres");
        } finally {
            sql(admin, "postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    @Test
    void postgresKeepAsideRestoreAndRollbackThroughTheJar() throws Exception {
        String name = "ka_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String admin = "jdbc:postgresql://127.0.0.1:5432/postgres";
        String url = "jdbc:postgresql://127.0.0.1:5432/" + name;
        serverOrSkip(admin, "postgres", "PostgreSQL");
        sql(admin, "postgres", "CREATE DATABASE " + name);
        try {
            sql(url, "postgres", "CREATE TABLE part(id INT PRIMARY KEY)", "INSERT INTO part VALUES (1)");
            Path media = Files.createDirectories(tmp.resolve("media"));
            Files.writeString(media.resolve("a.txt"), "a");
            Map<String, String> env = Map.of(
                    "BACKUP_DIR",
                    tmp.resolve("backups").toString(),
                    "BACKUP_DATABASE_URL",
                    url,
                    "BACKUP_DATABASE_USER",
                    "postgres",
                    "BACKUP_MEDIA_DIR",
                    media.toString());
            String id = run(env, "create", "--quiet")[1].strip();
            sql(url, "postgres", "INSERT INTO part VALUES (2)");
            Files.writeString(media.resolve("a.txt"), "changed");

            String[] bad = run(env, "restore", id, "--yes", "--safety=sometimes");
            assertThat(bad[0]).isEqualTo("2");
            assertThat(bad[2]).contains("keep-aside, backup or none");

            String[] restored = run(env, "restore", id, "--yes");
            assertThat(restored[0]).as(restored[2]).isEqualTo("0");
            assertThat(restored[1]).contains("kept aside").doesNotContain("safety backup");
            assertThat(count(url, "postgres", "SELECT COUNT(*) FROM part")).isEqualTo(1);
            assertThat(media.resolve("a.txt")).hasContent("a");
            String[] listed = run(env, "list");
            assertThat(listed[2]).contains("rollback available").contains(id);

            assertThat(run(env, "list", "--json")[1]).contains("\"keptAside\"").contains("\"writesTracked\" : true");

            String[] unconfirmed = run(env, "rollback");
            assertThat(unconfirmed[0]).isEqualTo("2");
            sql(url, "postgres", "INSERT INTO part VALUES (3)"); // the application writes after the restore
            String[] refused = run(env, "rollback", "--yes");
            assertThat(refused[0]).isEqualTo("1");
            assertThat(refused[2])
                    .contains("about 1 row(s) inserted, updated or deleted")
                    .contains("'backup rollback --force'")
                    .doesNotContain("RollbackOptions");
            assertThat(count(url, "postgres", "SELECT COUNT(*) FROM part")).isEqualTo(2);
            String[] rolledBack = run(env, "rollback", "--yes", "--force");
            assertThat(rolledBack[0]).as(rolledBack[2]).isEqualTo("0");
            assertThat(rolledBack[2]).contains("backup: warning: ").contains("1 row(s) inserted");
            assertThat(count(url, "postgres", "SELECT COUNT(*) FROM part")).isEqualTo(2);
            assertThat(media.resolve("a.txt")).hasContent("changed");
            assertThat(run(env, "list")[2]).doesNotContain("rollback available");
            assertThat(count(admin, "postgres", "SELECT COUNT(*) FROM pg_database WHERE datname LIKE '" + name + "%'"))
                    .as("no database kept or left beside")
                    .isEqualTo(1);
        } finally {
            sql(admin, "postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    @Test
    void mariadbRoundTripThroughTheJar() throws Exception {
        String name = "cli_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String admin = "jdbc:mariadb://127.0.0.1:3306/";
        String url = "jdbc:mariadb://127.0.0.1:3306/" + name;
        serverOrSkip(admin, "root", "MariaDB");
        sql(admin, "root", "CREATE DATABASE " + name);
        try {
            roundTrip(url, "root");
        } finally {
            sql(admin, "root", "DROP DATABASE IF EXISTS " + name);
        }
    }

    private void roundTrip(String url, String user) throws Exception {
        sql(
                url,
                user,
                "CREATE TABLE part(id INT PRIMARY KEY, name VARCHAR(50))",
                "INSERT INTO part VALUES (1, 'bolt')");
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        Map<String, String> env = Map.of(
                "BACKUP_DIR",
                tmp.resolve("backups").toString(),
                "BACKUP_DATABASE_URL",
                url,
                "BACKUP_DATABASE_USER",
                user,
                "BACKUP_MEDIA_DIR",
                media.toString());
        String[] created = run(env, "create", "--quiet");
        assertThat(created[0]).as(created[2]).isEqualTo("0");
        String id = created[1].strip();

        sql(url, user, "INSERT INTO part VALUES (2, 'added later')", "CREATE TABLE added_later(x INT)");
        String[] restored = run(env, "restore", id, "--yes", "--no-safety-backup");
        assertThat(restored[0]).as(restored[2]).isEqualTo("0");
        assertThat(count(url, user, "SELECT COUNT(*) FROM part")).isEqualTo(1);
        assertThat(tableExists(url, user, "added_later")).isFalse();
    }

    private static void serverOrSkip(String url, String user, String what) {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            assertThat(c.isValid(5)).isTrue();
        } catch (SQLException e) {
            if (Boolean.getBoolean("backup.it.required")) {
                fail(what + " is required (backup.it.required=true) but not reachable at " + url + ": "
                        + e.getMessage());
            }
            assumeTrue(false, what + " not reachable at " + url + ": " + e.getMessage());
        }
    }

    private static void sql(String url, String user, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static long count(String url, String user, String select) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(select)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean tableExists(String url, String user, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "");
                ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table, null)) {
            return rs.next();
        }
    }
    /** Runs the jar; returns exit code, stdout, stderr. */
    private String[] run(Map<String, String> env, String... args) throws Exception {
        return CliJar.run(tmp, env, args);
    }
}
