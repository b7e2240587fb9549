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
        inNewDatabase(POSTGRES, "cli_it_", (name, url) -> roundTrip(url, POSTGRES.user()));
    }

    @Test
    void postgresKeepAsideRestoreAndRollbackThroughTheJar() throws Exception {
        Server server = POSTGRES.withAdminDatabase("postgres");
        inNewDatabase(server, "ka_cli_", (name, url) -> {
            sql(url, "postgres", "CREATE TABLE part(id INT PRIMARY KEY)", "INSERT INTO part VALUES (1)");
            Path media = mediaWithOneFile();
            Map<String, String> env = CliJar.env(tmp.resolve("backups"), url, "postgres", media);
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
            assertThat(count(
                            server.admin(),
                            "postgres",
                            "SELECT COUNT(*) FROM pg_database WHERE datname LIKE '" + name + "%'"))
                    .as("no database kept or left beside")
                    .isEqualTo(1);
        });
    }

    @Test
    void mariadbRoundTripThroughTheJar() throws Exception {
        inNewDatabase(MARIADB, "cli_it_", (name, url) -> roundTrip(url, MARIADB.user()));
    }

    /** A local server: where to connect as its admin, the user, and what DROP DATABASE adds. */
    private record Server(String what, String base, String adminDatabase, String user, String dropSuffix) {
        String admin() {
            return base + adminDatabase;
        }

        Server withAdminDatabase(String database) {
            return new Server(what, base, database, user, dropSuffix);
        }
    }

    private static final Server POSTGRES =
            new Server("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/", "test", "postgres", " WITH (FORCE)");
    private static final Server MARIADB = new Server("MariaDB", "jdbc:mariadb://127.0.0.1:3306/", "", "root", "");

    private interface InDatabase {
        void run(String name, String url) throws Exception;
    }

    /** Runs {@code test} in a new database on {@code server} (skipped when it is down), dropped afterwards. */
    private static void inNewDatabase(Server server, String prefix, InDatabase test) throws Exception {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        serverOrSkip(server.admin(), server.user(), server.what());
        sql(server.admin(), server.user(), "CREATE DATABASE " + name);
        try {
            test.run(name, server.base() + name);
        } finally {
            sql(server.admin(), server.user(), "DROP DATABASE IF EXISTS " + name + server.dropSuffix());
        }
    }

    private Path mediaWithOneFile() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        return media;
    }

    private void roundTrip(String url, String user) throws Exception {
        sql(
                url,
                user,
                "CREATE TABLE part(id INT PRIMARY KEY, name VARCHAR(50))",
                "INSERT INTO part VALUES (1, 'bolt')");
        Map<String, String> env = CliJar.env(tmp.resolve("backups"), url, user, mediaWithOneFile());
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
