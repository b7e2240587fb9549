package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.support.NativeProcess;
import io.backupkit.backup.tck.ToolEnvironments;
import io.backupkit.backup.tck.fixtures.CreateAndRestoreChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T30: pg_dump, pg_restore and psql (and their version probes), run through the library in a JVM
 * whose environment holds a storage's keys, the database password, a passphrase, AWS credentials and
 * inherited PG/MySQL variables, get an environment built from an allow-list: none of those secrets,
 * only what the tool needs, the password in a 0600 PGPASSFILE.
 */
class PostgresChildEnvironmentIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest();

    @BeforeEach
    void setUp() throws Exception {
        db.exec("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'one')");
    }

    /** Parent secrets, each distinctive, as a host's environment would hold them. */
    static Map<String, String> secretEnvironment(String tag) {
        Map<String, String> env = new HashMap<>();
        env.put(
                "BACKUP_OPTIONS",
                "{\"bucket\":\"b\",\"access_key\":\"AKIA" + tag + "\",\"secret_key\":\"s3-secret-" + tag
                        + "\",\"session_token\":\"s3-token-" + tag + "\"}");
        env.put("BACKUP_DATABASE_PASSWORD", "db-password-" + tag);
        env.put("INVENTREE_BACKUP_DATABASE_PASSWORD", "db-password-" + tag);
        env.put("BACKUP_ENCRYPTION_PASSPHRASE", "passphrase-" + tag);
        env.put("AWS_ACCESS_KEY_ID", "AKIA" + tag);
        env.put("AWS_SECRET_ACCESS_KEY", "aws-secret-" + tag);
        env.put("AWS_SESSION_TOKEN", "aws-token-" + tag);
        env.put("PGPASSWORD", "pg-password-" + tag);
        env.put("MYSQL_PWD", "mysql-password-" + tag);
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", System.getProperty("user.home"));
        env.put("LC_ALL", "C.UTF-8");
        return env;
    }

    /** Every secret value of {@link #secretEnvironment} contains this tag. */
    static void assertClean(Map<String, List<Map<String, String>>> recorded, String tag, List<String> toolPrefixes) {
        recorded.forEach((tool, starts) -> starts.forEach(env -> {
            env.forEach((k, v) -> {
                assertThat(v).as(tool + " " + k).doesNotContain(tag);
                boolean allowed = NativeProcess.INHERITED.contains(k)
                        || k.startsWith("LC_")
                        || toolPrefixes.stream().anyMatch(k::startsWith);
                assertThat(allowed).as(tool + " got " + k).isTrue();
            });
        }));
    }

    @Test
    void noSecretOfTheParentReachesATool() throws Exception {
        String tag = "T30x" + PgTestDatabase.random();
        Path real = Path.of("/usr/lib/postgresql")
                .resolve(String.valueOf(serverMajor()))
                .resolve("bin");
        ToolEnvironments wrappers = ToolEnvironments.wrap(
                tmp.resolve("tools"),
                Map.of(
                        "pg_dump",
                        real.resolve("pg_dump"),
                        "pg_restore",
                        real.resolve("pg_restore"),
                        "psql",
                        real.resolve("psql")));
        Files.createDirectories(tmp.resolve("media"));
        Files.writeString(tmp.resolve("media/a.txt"), "a");
        String url = db.jdbcUrl() + "?password=url-password-" + tag;
        String out = ToolEnvironments.runJvm(
                CreateAndRestoreChild.class,
                secretEnvironment(tag),
                Duration.ofMinutes(3),
                tmp.toString(),
                url,
                PgTestDatabase.ADMIN,
                "postgres",
                wrappers.binDir().toString(),
                // keep-aside: pg_restore into a new database; then in place, after a safety backup:
                // pg_dump again, pg_restore piped into psql
                "KEEP_ASIDE",
                "BACKUP");
        assertThat(out).contains("CHILD-DONE");

        Map<String, List<Map<String, String>>> recorded = wrappers.recorded();
        assertThat(recorded).as("every tool ran").containsKeys("pg_dump", "pg_restore", "psql");
        assertThat(recorded.get("pg_dump")).as("the probe and the dumps").hasSizeGreaterThanOrEqualTo(3);
        assertClean(recorded, tag, List.of("PG"));
        // what the tools need is there: the locale, the path, the password file
        Map<String, String> dump = recorded.get("pg_dump").stream()
                .filter(e -> e.containsKey("PGPASSFILE"))
                .findFirst()
                .orElseThrow();
        assertThat(dump).containsKeys("PATH", "LC_ALL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER");
        assertThat(dump).doesNotContainKey("PGPASSWORD");
    }

    private int serverMajor() throws Exception {
        try (var c = db.connect()) {
            return c.getMetaData().getDatabaseMajorVersion();
        }
    }
}
