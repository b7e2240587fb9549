package io.backupkit.backup.db.postgres;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private throw-away PostgreSQL cluster that checks passwords ({@code initdb -A scram-sha-256},
 * its own port and socket folder), for tests the shared trusting server cannot serve. Register it
 * as a static {@code @RegisterExtension}: started before the class's tests, stopped and deleted
 * after them. Its folder is {@code bk-it-scram-<pid>-*} in the temp folder, so that one left by a
 * killed test JVM can be found and removed ({@code .ci/run} does).
 */
final class ScramCluster implements BeforeAllCallback, AfterAllCallback {
    /** The folder-name prefix {@code .ci/run} looks for. */
    static final String PREFIX = "bk-it-scram-";

    private final String password = "Adm:n\\pw-" + PgTestDatabase.random();
    private Path home;
    private Path data;
    private Path binDir;
    private int port;
    private boolean asPostgresUser;

    /** The superuser {@code postgres}'s password. */
    String password() {
        return password;
    }

    /** A JDBC URL of database {@code db} on this cluster. */
    String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
    }

    /** A session of {@code postgres} on {@code db}. */
    /** Creates the database {@code app} with a table {@code t} of {@code rows} rows (as the superuser). */
    void createApp(int rows) throws SQLException {
        try (Connection c = connect("postgres");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE app");
        }
        try (Connection c = connect("app");
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t AS SELECT g, md5(g::text) AS v FROM generate_series(1, " + rows + ") g");
        }
    }

    Connection connect(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        return DriverManager.getConnection(url(db), p);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        PgTestDatabase.requireServer();
        try {
            binDir = new PgTools(null, "test")
                    .find(List.of("initdb", "pg_ctl"), null, "")
                    .binDir();
        } catch (RuntimeException e) {
            unavailable("no initdb/pg_ctl to start a private cluster: " + e.getMessage());
        }
        asPostgresUser = "root".equals(System.getProperty("user.name"));
        home = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
        data = home.resolve("data");
        Path pwFile = home.resolve("pw");
        Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8);
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
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
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
}
