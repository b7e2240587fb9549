package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.UnableToDumpDatabaseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * T22: while the dump tool runs, its password is in no process's argv ({@code ps}, {@code
 * /proc/PID/cmdline}) and not in its environment; it sits in a 0600 option file given as the first
 * argument, deleted afterwards. A password full of option-file syntax works (it is escaped).
 */
class MysqlSecretsIT {
    @RegisterExtension
    final FreshMariaDb fresh = FreshMariaDb.perTest(db -> {});

    private String user;
    private final String password = "s3cr'et\"pa\\ss w#rd;[x]=" + MariaDbServer.randomName("");

    @BeforeEach
    void setUp() throws Exception {
        user = MariaDbServer.createUser(fresh.name(), "bk_it_u_", password);
        MariaDbServer.exec(
                fresh.name(),
                // big enough that the tool blocks on a full pipe while the test looks at it
                "CREATE TABLE t (id INT PRIMARY KEY, v LONGBLOB)",
                "INSERT INTO t VALUES (1, RANDOM_BYTES(1024)), (2, REPEAT('x', 400000))");
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropUser(user);
    }

    @Test
    void thePasswordIsNeverInArgvNorEnvironmentAndTheOptionFileIs0600AndDeleted() throws Exception {
        MysqlDumper dumper = MariaDbServer.dumper(MariaDbServer.url(fresh.name()), user, password, Map.of());
        List<Path> optionFiles = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            private boolean inspected;

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (!inspected) {
                    inspected = true;
                    try {
                        inspect(optionFiles, seen);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                super.write(b, off, len);
            }
        };

        dumper.dump(out);

        assertThat(seen).as("inspections made while the tool ran").contains("ps", "proc", "optionfile");
        assertThat(optionFiles).hasSize(1);
        assertThat(optionFiles.get(0)).as("option file after the dump").doesNotExist();
        assertThat(optionFiles.get(0).getParent()).as("its private folder").doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("CREATE TABLE `t`");
    }

    @Test
    void aWrongPasswordIsNamedButNotShown() {
        String wrong = "wrong-" + password;
        MysqlDumper dumper = MariaDbServer.dumper(MariaDbServer.url(fresh.name()), user, wrong, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Throwable thrown = catchThrowable(() -> dumper.dump(out));

        assertThat(thrown)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("refused the login")
                .hasMessageContaining(user);
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong).doesNotContain(password);
        }
        assertThat(out.size()).as("nothing written").isZero();
        assertThat(dumper.toString()).doesNotContain(password);
    }

    private void inspect(List<Path> optionFiles, List<String> seen) throws IOException, InterruptedException {
        List<ProcessHandle> tools = ProcessHandle.current()
                .descendants()
                .filter(p -> p.info()
                        .command()
                        .map(c -> c.endsWith("mariadb-dump") || c.endsWith("mysqldump"))
                        .orElse(false))
                .collect(Collectors.toList());
        assertThat(tools).as("the dump tool is running").hasSize(1);
        long pid = tools.get(0).pid();

        Process ps = new ProcessBuilder("ps", "-eo", "args")
                .redirectErrorStream(true)
                .start();
        String psOut = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ps.waitFor()).isZero();
        assertThat(psOut).contains("--defaults-extra-file=").doesNotContain(password);
        seen.add("ps");

        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .collect(Collectors.toList())) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    assertThat(cmdline).as(p + "/cmdline").doesNotContain(password);
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        String[] argv = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
                .split("\0");
        assertThat(argv[1]).as("first argument").startsWith("--defaults-extra-file=");
        for (String a : argv) {
            assertThat(a).doesNotStartWith("-p").doesNotStartWith("--password");
        }
        String environ = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
        assertThat(environ).doesNotContain(password).doesNotContain("MYSQL_PWD");
        seen.add("proc");

        Path file = Path.of(argv[1].substring("--defaults-extra-file=".length()));
        optionFiles.add(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(Files.readString(file)).startsWith("[client]\n").contains("user=\"" + user + "\"");
        seen.add("optionfile");
    }
}
