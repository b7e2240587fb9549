package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.tck.DumpFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox first line of mariadb-dump (<code>/*M!999999\- enable the sandbox mode *&#47;</code>) reaches
 * clients that understand it and is removed for older ones. The "older client" is the real client
 * behind a wrapper that reports an older version and records what it was fed.
 */
class MysqlSandboxLineIT {
    @TempDir
    Path dir;

    private String db;
    private Path realClient;
    private Path realDump;

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServer.require();
        realClient = onPath("mariadb");
        realDump = onPath("mariadb-dump");
        db = MariaDbServer.createDatabase();
        MariaDbServer.exec(db, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO t VALUES (1, 'a')");
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropDatabase(db);
    }

    @Test
    void anOlderClientGetsTheDumpWithoutTheSandboxLine() throws Exception {
        List<String> fed = restoreThrough("10.11.5");

        assertThat(fed).isNotEmpty().allSatisfy(f -> assertThat(f).doesNotStartWith(MysqlLoad.SANDBOX_LINE));
    }

    @Test
    void aClientThatUnderstandsItGetsTheDumpAsItIs() throws Exception {
        List<String> fed = restoreThrough("10.11.8");

        assertThat(fed).isNotEmpty().allSatisfy(f -> assertThat(f).startsWith(MysqlLoad.SANDBOX_LINE));
    }

    /** Dumps, changes, restores through a wrapper client of {@code version}; returns what it was fed. */
    private List<String> restoreThrough(String version) throws Exception {
        MysqlDumper real = MariaDbServer.dumper(db);
        Path dump = DumpFiles.dumpTo(real, dir.resolve("db.sql"));
        Assumptions.assumeTrue(
                Files.readString(dump).startsWith(MysqlLoad.SANDBOX_LINE),
                "the local mariadb-dump writes no sandbox line");
        DatabaseInfo info = DumpFiles.infoOf(real);
        String before = MysqlSnapshots.of(db);
        MariaDbServer.exec(db, "INSERT INTO t VALUES (2, 'b')");

        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path fed = Files.createDirectory(dir.resolve("fed"));
        Files.createSymbolicLink(bin.resolve("mariadb-dump"), realDump);
        Path client = bin.resolve("mariadb");
        // records what it is fed, then runs the real client on exactly that
        Files.writeString(
                client,
                "#!/bin/sh\n"
                        + "if [ \"$1\" = \"--version\" ]; then\n"
                        + "  echo 'mariadb  Ver 15.1 Distrib " + version + "-MariaDB, for debian-linux-gnu (x86_64)'\n"
                        + "  exit 0\n"
                        + "fi\n"
                        + "f=\"" + fed + "/$$.sql\"\n"
                        + "cat > \"$f\" || exit 1\n"
                        + "exec \"" + realClient + "\" \"$@\" < \"$f\"\n");
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwx------"));
        MysqlDumper wrapped = MariaDbServer.dumper(
                MariaDbServer.url(db), MariaDbServer.ROOT, null, Map.of("bin_dir", bin.toString()));

        // `real` keeps the session it described the server on for a lock that never comes here (a
        // create would take it); a second dumper in this JVM would count it as another session
        Thread.sleep(MysqlLockSession.OFFER_MILLIS + 1_000);
        wrapped.restore(DumpFiles.source(dump, info));

        assertThat(MysqlSnapshots.of(db)).isEqualTo(before);
        try (Stream<Path> files = Files.list(fed)) {
            return files.map(f -> {
                        try {
                            return Files.readString(f, StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .collect(Collectors.toList());
        }
    }

    private static Path onPath(String name) {
        for (String d : System.getenv("PATH").split(":")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        Assumptions.abort(name + " is not on the PATH");
        return null;
    }
}
