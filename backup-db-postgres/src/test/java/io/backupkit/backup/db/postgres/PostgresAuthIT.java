package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DumpFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords against a server that checks them. The shared local server trusts every connection
 * (pg_hba.conf: trust for 127.0.0.1 and the socket), so this test starts a private throw-away
 * cluster ({@code initdb -A scram-sha-256}, its own port, stopped and deleted afterwards) and proves
 * that the password reaches pg_dump and psql through the PGPASSFILE (with {@code :} and {@code \} in
 * it), and that a wrong or missing password is a typed error naming the cause.
 */
class PostgresAuthIT {
    private static final String PASSWORD = "Adm:n\\pw-" + PgTestDatabase.random();
    private static Path home;
    private static Path data;
    private static Path binDir;
    private static int port;
    private static boolean asPostgresUser;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        PgTestDatabase.requireServer();
        try {
            binDir = new PgTools(null, "test")
                    .find(List.of("initdb", "pg_ctl"), null, "")
                    .binDir();
        } catch (RuntimeException e) {
            unavailable("no initdb/pg_ctl to start a private cluster: " + e.getMessage());
        }
        asPostgresUser = "root".equals(System.getProperty("user.name"));
        home = Files.createTempDirectory("bk-it-scram-");
        data = home.resolve("data");
        Path pwFile = home.resolve("pw");
        Files.writeString(pwFile, PASSWORD + "\n", StandardCharsets.UTF_8);
        if (asPostgresUser) {
            run(List.of("chown", "-R", "postgres:postgres", home.toString()), false);
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        run(
                List.of(
                        binDir.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-U",
                        "postgres",
                        "-A",
                        "scram-sha-256",
                        "--pwfile=" + pwFile,
                        "-N",
                        "-E",
                        "UTF8",
                        "--locale=C"),
                asPostgresUser);
        Files.delete(pwFile);
        run(
                List.of(
                        binDir.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-w",
                        "-l",
                        home.resolve("log").toString(),
                        "-o",
                        "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c shared_buffers=8MB"
                                + " -c max_connections=20 -c fsync=off",
                        "start"),
                asPostgresUser);
        try (Connection c = connect("postgres", PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE app");
        }
        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t AS SELECT g, md5(g::text) AS v FROM generate_series(1, 500) g");
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (data != null && Files.exists(data.resolve("postmaster.pid"))) {
            run(
                    List.of(binDir.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"),
                    asPostgresUser);
        }
        if (home != null) {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void unavailable(String reason) {
        if (Boolean.getBoolean("backup.it.required")) {
            fail(reason + " (backup.it.required=true)");
        }
        assumeTrue(false, reason);
    }

    private static void run(List<String> argv, boolean asPostgres) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static Connection connect(String db, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        return DriverManager.getConnection(url(db), p);
    }

    private static String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
    }

    private static DatabaseDumper dumper(Secret password) {
        return new PostgresDumperProvider().create(new DatabaseConfig(url("app"), "postgres", password, null, null));
    }

    @Test
    void thePasswordReachesPgDumpAndPsqlThroughThePassFile() throws Exception {
        DatabaseDumper d = dumper(Secret.of(PASSWORD));
        DatabaseInfo info = PgTestDatabase.infoOf(d);
        Path dump = DumpFiles.dumpTo(d, dir.resolve("app.pgdump"));
        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("DELETE FROM t WHERE g > 10");
            st.execute("CREATE TABLE later (x int)");
        }

        d.restore(DumpFiles.source(dump, info));

        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT (SELECT count(*) FROM t), to_regclass('public.later') IS NULL")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(500);
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    @Test
    void aWrongPasswordIsNamed() {
        DatabaseDumper d = dumper(Secret.of("not-the-password"));

        assertThatThrownBy(d::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("refused the password for user postgres")
                .hasMessageNotContaining("not-the-password");
        assertThatThrownBy(() -> d.restore(DumpFiles.source(
                        dir.resolve("none"),
                        new DatabaseInfo("postgres", "PostgreSQL", "15", "pg_dump", "15", "pgdump"))))
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("refused the password");
    }

    @Test
    void aMissingPasswordIsNamed() {
        assertThatThrownBy(() -> dumper(null).describe())
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("asks for a password")
                .hasMessageContaining("none is configured");
    }

    @Test
    void pgDumpItselfReportsARefusedPassword() throws Exception {
        String role = "bk_changing_" + PgTestDatabase.random();
        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'first:pw' IN ROLE pg_read_all_data");
        }
        DatabaseDumper d = new PostgresDumperProvider()
                .create(new DatabaseConfig(url("app"), role, Secret.of("first:pw"), null, null));
        d.describe();
        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + role + " PASSWORD 'second'");
        }

        assertThatThrownBy(() -> d.dump(new java.io.ByteArrayOutputStream()))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("pg_dump failed")
                .hasMessageContaining("refused the password for user " + role)
                .hasMessageNotContaining("first:pw");
    }
}
