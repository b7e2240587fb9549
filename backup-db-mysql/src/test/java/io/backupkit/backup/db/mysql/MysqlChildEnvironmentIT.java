package io.backupkit.backup.db.mysql;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T30: mariadb-dump and mariadb (and their version probes), run through the library in a JVM whose
 * environment holds a storage's keys, the database password, a passphrase, AWS credentials and
 * inherited MySQL/PG variables, get an environment built from an allow-list: none of those secrets;
 * the password reaches them only in the 0600 option file.
 */
class MysqlChildEnvironmentIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final FreshMariaDb fresh = FreshMariaDb.perTest(db -> {});

    private String user;
    private final String tag = "T30x" + MariaDbServer.randomName("");
    private final String password = "db-password-" + tag;

    @BeforeEach
    void setUp() throws Exception {
        user = MariaDbServer.createUser(fresh.name(), "bk_it_env_", password);
        MariaDbServer.exec(
                fresh.name(), "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'one')");
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropUser(user);
    }

    @Test
    void noSecretOfTheParentReachesATool() throws Exception {
        ToolEnvironments wrappers = ToolEnvironments.wrap(
                tmp.resolve("tools"), Map.of("mariadb-dump", realTool("mariadb-dump"), "mariadb", realTool("mariadb")));
        Files.createDirectories(tmp.resolve("media"));
        Files.writeString(tmp.resolve("media/a.txt"), "a");
        Map<String, String> env = new HashMap<>();
        env.put(
                "BACKUP_OPTIONS",
                "{\"bucket\":\"b\",\"secret_key\":\"s3-secret-" + tag + "\",\"session_token\":\"s3-token-" + tag
                        + "\"}");
        env.put("BACKUP_DATABASE_PASSWORD", password);
        env.put("BACKUP_ENCRYPTION_PASSPHRASE", "passphrase-" + tag);
        env.put("AWS_SECRET_ACCESS_KEY", "aws-secret-" + tag);
        env.put("AWS_SESSION_TOKEN", "aws-token-" + tag);
        env.put("MYSQL_PWD", "mysql-password-" + tag);
        env.put("MYSQL_HOST", "nowhere.invalid");
        env.put("PGPASSWORD", "pg-password-" + tag);
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", System.getProperty("user.home"));
        env.put("LANG", "C.UTF-8");
        String url = MariaDbServer.url(fresh.name()) + "?password=" + password;

        String out = ToolEnvironments.runJvm(
                CreateAndRestoreChild.class,
                env,
                Duration.ofMinutes(3),
                tmp.toString(),
                url,
                user,
                "mysql",
                wrappers.binDir().toString(),
                "KEEP_ASIDE");
        assertThat(out).contains("CHILD-DONE");

        Map<String, List<Map<String, String>>> recorded = wrappers.recorded();
        assertThat(recorded).as("every tool ran").containsKeys("mariadb-dump", "mariadb");
        assertThat(recorded.get("mariadb-dump")).as("the probe and the dumps").hasSizeGreaterThanOrEqualTo(3);
        recorded.forEach((tool, starts) -> starts.forEach(e -> e.forEach((k, v) -> {
            assertThat(v).as(tool + " " + k).doesNotContain(tag);
            assertThat(NativeProcess.INHERITED.contains(k) || k.startsWith("LC_"))
                    .as(tool + " got " + k)
                    .isTrue();
        })));
        assertThat(recorded.get("mariadb-dump").get(0)).containsKeys("PATH", "LANG", "HOME");
    }

    private static Path realTool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(name + " is not on the PATH");
    }
}
