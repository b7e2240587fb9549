package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T22: while pg_dump and psql run, no process's argv (what {@code ps} shows) and not the tool's
 * environment contain the password; it sits in a 0600 PGPASSFILE in a 0700 folder, escaped, and both
 * are gone afterwards.
 *
 * <p>The local server trusts 127.0.0.1 and the socket (pg_hba.conf), so it accepts any password: this
 * test proves where the password goes, not that the server checked it ({@code PgConnectionTest}
 * checks the file format libpq reads).
 */
class PostgresSecretsIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest();

    private String role;
    private final String password = "S3cr:et\\pw-" + PgTestDatabase.random();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() throws Exception {
        role = db.createRole("bk_it_secret_", password);
        db.exec(
                "ALTER DATABASE " + db.name + " OWNER TO " + role,
                "CREATE TABLE public.big AS SELECT g, repeat(md5(g::text), 8) AS t FROM generate_series(1, 6000) g",
                "ALTER TABLE public.big OWNER TO " + role);
    }

    @AfterEach
    void tearDown() throws Exception {
        executor.shutdownNow();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Test
    void passwordNeverInArgvOrEnvironmentAndPassFileIsPrivateAndDeleted() throws Exception {
        PostgresDumper dumper =
                (PostgresDumper) new PostgresDumperProvider().create(db.config(role, Secret.of(password), Map.of()));
        DatabaseInfo info = PgTestDatabase.infoOf(dumper);
        ToolProcesses.GateStream out = new ToolProcesses.GateStream();

        Future<?> dump = executor.submit(() -> dumper.dump(out));
        assertThat(out.firstWrite.await(30, TimeUnit.SECONDS)).isTrue();
        Path passFile = checkWhileRunning("pg_dump");
        out.release();
        dump.get(60, TimeUnit.SECONDS);

        assertThat(out.size()).isGreaterThan(100_000);
        assertThat(passFile).doesNotExist();
        assertThat(passFile.getParent()).doesNotExist();

        byte[] bytes = out.toByteArray();
        BlockingDumpSource source = new BlockingDumpSource(bytes, bytes.length / 2, dir, info);
        Future<?> restore = executor.submit(() -> dumper.restore(source));
        assertThat(source.paused.await(30, TimeUnit.SECONDS)).isTrue();
        Path restorePassFile = checkWhileRunning("psql");
        assertThat(ToolProcesses.environ(ToolProcesses.child("pg_restore")))
                .noneMatch(e -> e.contains(password))
                .noneMatch(e -> e.startsWith("PGPASSFILE="));
        source.release();
        restore.get(60, TimeUnit.SECONDS);

        assertThat(restorePassFile).doesNotExist();
        assertThat(restorePassFile.getParent()).doesNotExist();
        assertThat(db.count("SELECT count(*) FROM public.big")).isEqualTo(6000);
    }

    private Path checkWhileRunning(String tool) throws Exception {
        ProcessHandle p = ToolProcesses.child(tool);
        assertThat(ToolProcesses.allCommandLines()).noneMatch(c -> c.contains(password));
        assertThat(ToolProcesses.psOutput()).doesNotContain(password);
        List<String> env = ToolProcesses.environ(p);
        assertThat(env).noneMatch(e -> e.contains(password));
        assertThat(env).contains("PGUSER=" + role, "PGDATABASE=" + db.name);
        assertThat(env).noneMatch(e -> e.startsWith("PGPASSWORD"));
        Path passFile = env.stream()
                .filter(e -> e.startsWith("PGPASSFILE="))
                .map(e -> Path.of(e.substring("PGPASSFILE=".length())))
                .findFirst()
                .orElseThrow(() -> new AssertionError(tool + " runs without PGPASSFILE"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passFile)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passFile.getParent())))
                .isEqualTo("rwx------");
        String escaped = password.replace("\\", "\\\\").replace(":", "\\:");
        assertThat(Files.readString(passFile, StandardCharsets.UTF_8))
                .isEqualTo("*:*:" + db.name + ":" + role + ":" + escaped + "\n");
        return passFile;
    }
}
