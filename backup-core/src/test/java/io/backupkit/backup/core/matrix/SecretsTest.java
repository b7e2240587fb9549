package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.core.internal.engine.EngineSettings;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.tck.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T22, core part: a database password given to the {@link BackupManager} never shows in exception
 * messages (the whole cause chain and stack trace) of failures provoked on purpose (wrong password,
 * unreachable server, password in the URL), in log output (slf4j-simple writes to {@code
 * System.err}; it is captured here, and at TRACE level in a child JVM), in {@code toString()} of
 * {@code BackupSettings} / {@code DatabaseConfig}, nor in the stored manifest and dump. The
 * PostgreSQL/MySQL parts (argv, 0600 credential files) are in their modules.
 */
class SecretsTest {
    /** Distinctive, with characters that need quoting anywhere they would be written. */
    static final String PASSWORD = "pw-Qx7'\"; $(id) ünï-4f1c9e";

    static final String WRONG = "wrong-Zr9'\"; ünï-77aa01";

    @TempDir
    Path tmp;

    MatrixFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new MatrixFixture(tmp, "APPUSER", Secret.of(PASSWORD));
        f.createDatabase(30); // the first connection creates the database with this admin user
        f.createMedia(2, 1000, 2);
    }

    /** Everything printed to System.out and System.err while {@code call} runs (also passed through). */
    static <T> String captured(List<T> results, Callable<T> call) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream tee = new PrintStream(new Tee(buffer, err), true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            System.setErr(tee);
            try {
                results.add(call.call());
            } catch (Exception e) {
                throw e;
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Copies to a buffer and to the original stream. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    /** The whole printed stack trace: messages of every cause and suppressed exception. */
    static String everything(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    static void assertNoSecret(String text, String... secrets) {
        for (String s : secrets) {
            assertThat(text).doesNotContain(s);
            // nor its recognisable parts
            assertThat(text).doesNotContain("4f1c9e").doesNotContain("77aa01");
        }
    }

    /** Runs a call that must fail with a typed exception; checks its text and the log output. */
    private BackupException failure(Callable<?> call) throws Exception {
        List<Object> ignored = new ArrayList<>();
        BackupException[] thrown = new BackupException[1];
        String log = captured(ignored, () -> {
            try {
                call.call();
            } catch (BackupException e) {
                thrown[0] = e;
            }
            return null;
        });
        assertThat(thrown[0]).as("the call must fail").isNotNull();
        assertNoSecret(everything(thrown[0]), PASSWORD, WRONG);
        assertNoSecret(log, PASSWORD, WRONG);
        return thrown[0];
    }

    @Test
    void aSuccessfulCreateVerifyAndRestoreNeverShowThePassword() throws Exception {
        List<Object> results = new ArrayList<>();
        String log;
        try (BackupManager backups = f.builder().build()) {
            log = captured(results, () -> {
                BackupInfo info = backups.create().backup();
                backups.list();
                backups.verify(info.id().value(), VerifyMode.DEEP);
                backups.restore(RestoreOptions.of(info.id().value()));
                return info;
            });
            assertNoSecret(backups.settings().toString(), PASSWORD);
            assertNoSecret(String.valueOf(EngineSettings.of(backups).dumper()), PASSWORD);
        }
        assertThat(log).as("the capture works: the engine logged the backup").contains("created");
        assertNoSecret(log, PASSWORD);

        // nor in what is stored: the manifest, and the dump (H2 keeps a salted hash of a user's password)
        BackupInfo info = (BackupInfo) results.get(0);
        assertNoSecret(Files.readString(f.backups.resolve(info.id().value() + ".manifest.json")), PASSWORD);
        ArtifactInfo dump = info.artifact(ArtifactInfo.DATABASE).orElseThrow();
        try (InputStream in = new ZstdInputStream(Files.newInputStream(f.backups.resolve(dump.name())))) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sql).as("the dump is readable").contains("APPUSER");
            assertNoSecret(sql, PASSWORD);
        }
    }

    @Test
    void aWrongPasswordFailsWithoutShowingEitherPassword() throws Exception {
        try (BackupManager backups =
                f.builder().database(f.url, "APPUSER", Secret.of(WRONG)).build()) {
            BackupException create = failure(backups::create);
            assertThat(create.getMessage()).contains("password"); // says what to check
            assertNoSecret(backups.settings().toString(), WRONG);
        }
        // a restore with the wrong password fails the same way, before anything changed
        BackupInfo info;
        try (BackupManager good = f.builder().build()) {
            info = good.create().backup();
        }
        try (BackupManager backups =
                f.builder().database(f.url, "APPUSER", Secret.of(WRONG)).build()) {
            failure(() -> backups.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false)));
        }
    }

    @Test
    void anUnreachableServerFailsWithoutShowingThePassword() throws Exception {
        String unreachable = "jdbc:h2:tcp://127.0.0.1:1/nowhere/app";
        try (BackupManager backups = f.builder()
                .database(unreachable, "APPUSER", Secret.of(PASSWORD))
                .build()) {
            failure(backups::create);
        } catch (BackupException buildFailure) {
            assertNoSecret(everything(buildFailure), PASSWORD);
        }
    }

    @Test
    void aPasswordInTheUrlIsMaskedInToStringAndMessages() throws Exception {
        String url = "jdbc:h2:tcp://127.0.0.1:1/nowhere/app;USER=APPUSER;PASSWORD=" + PASSWORD.replace(";", "");
        String inUrl = PASSWORD.replace(";", "");
        DatabaseConfig config = new DatabaseConfig(
                url, "APPUSER", Secret.of(PASSWORD), new ProviderOptions("database.options", Map.of()), null);
        assertThat(config.toString()).doesNotContain(inUrl).doesNotContain(PASSWORD);
        assertThat(config.safeUrl()).doesNotContain(inUrl);
        assertThat(Secret.of(PASSWORD).toString()).doesNotContain(PASSWORD);
        try (BackupManager backups = f.builder().database(url, null, null).build()) {
            List<Object> ignored = new ArrayList<>();
            BackupException[] thrown = new BackupException[1];
            String log = captured(ignored, () -> {
                try {
                    backups.create();
                } catch (BackupException e) {
                    thrown[0] = e;
                }
                return null;
            });
            assertThat(thrown[0]).isNotNull();
            assertThat(everything(thrown[0])).doesNotContain(inUrl);
            assertThat(log).doesNotContain(inUrl);
            assertThat(backups.settings().toString()).doesNotContain(inUrl);
        } catch (BackupException buildFailure) {
            assertThat(everything(buildFailure)).doesNotContain(inUrl);
        }
    }

    @Test
    void atTraceLevelTheLogsStillNeverShowThePassword() throws Exception {
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(List.of(
                        ChildJvm.java(),
                        "-Xmx128m",
                        "-XX:TieredStopAtLevel=1",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                        "-cp",
                        ChildJvm.classPath(),
                        SecretsChildMain.class.getName(),
                        f.root.toString(),
                        f.url))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).as("it ran at debug level").contains("DEBUG").contains("CHILD-DONE");
        assertThat(output).as("the failures were provoked").contains("FAILED-AS-EXPECTED");
        assertNoSecret(output, PASSWORD, WRONG);
    }

    @Test
    void theTestCanSeeAPasswordWhenOneIsPrinted() throws Exception {
        // the capture is not blind: a password printed on System.err is caught
        List<Object> ignored = new ArrayList<>();
        String log = captured(ignored, () -> {
            System.err.println("leak " + PASSWORD);
            return null;
        });
        assertThatThrownBy(() -> assertNoSecret(log, PASSWORD)).isInstanceOf(AssertionError.class);
    }
}
