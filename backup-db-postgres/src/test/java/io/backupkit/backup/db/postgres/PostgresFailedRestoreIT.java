package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.tck.DumpFiles;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
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
 * A restore that fails midway leaves the database exactly as it was: corrupted and truncated dumps,
 * a killed pg_restore, a killed psql, a user without the rights, a server that is down.
 */
class PostgresFailedRestoreIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest(PgFixture::create);

    private PostgresDumper dumper;
    private DatabaseInfo info;
    private byte[] dump;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() throws Exception {
        dumper = db.dumper();
        info = PgTestDatabase.infoOf(dumper);
        dump = PgTestDatabase.dumpBytes(dumper);
        PgFixture.changeEverything(db);
    }

    @AfterEach
    void tearDown() throws Exception {
        executor.shutdownNow();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Test
    void killedPgRestoreLeavesTheDatabaseAsItWas() throws Exception {
        killMidway("pg_restore");
    }

    @Test
    void killedPsqlLeavesTheDatabaseAsItWas() throws Exception {
        killMidway("psql");
    }

    private void killMidway(String tool) throws Exception {
        String before = db.snapshot();
        BlockingDumpSource source = new BlockingDumpSource(dump, dump.length * 6L / 10, dir, info);
        Future<?> restore = executor.submit(() -> dumper.restore(source));
        assertThat(source.paused.await(30, TimeUnit.SECONDS))
                .as("restore reached the middle")
                .isTrue();
        ToolProcesses.awaitRestoreHoldsLocks(db.name);

        ProcessHandle victim = ToolProcesses.child(tool);
        victim.destroyForcibly();
        victim.onExit().get(10, TimeUnit.SECONDS);
        source.release();

        Throwable thrown = catchThrowable(() -> restore.get(60, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause())
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining(tool)
                .hasMessageContaining("left as it was");
        db.awaitNoRestoreSession();
        assertThat(db.snapshot()).isEqualTo(before);
    }

    @Test
    void aCancelledRestoreStopsItsToolsAndChangesNothing() throws Exception {
        String before = db.snapshot();
        BlockingDumpSource source = new BlockingDumpSource(dump, dump.length / 2L, dir, info);
        Thread[] worker = new Thread[1];
        Future<?> restore = executor.submit(() -> {
            worker[0] = Thread.currentThread();
            dumper.restore(source);
        });
        assertThat(source.paused.await(30, TimeUnit.SECONDS)).isTrue();
        ToolProcesses.awaitRestoreHoldsLocks(db.name);
        ProcessHandle psql = ToolProcesses.child("psql");
        ProcessHandle pgRestore = ToolProcesses.child("pg_restore");

        worker[0].interrupt();

        Throwable thrown = catchThrowable(() -> restore.get(60, TimeUnit.SECONDS));
        source.release();
        assertThat(thrown.getCause())
                .isInstanceOf(BackupCancelledException.class)
                .hasMessageContaining("left as it was");
        psql.onExit().get(10, TimeUnit.SECONDS);
        pgRestore.onExit().get(10, TimeUnit.SECONDS);
        db.awaitNoRestoreSession();
        assertThat(db.snapshot()).isEqualTo(before);
    }

    @Test
    void aCancelWhileTheDumpIsDecodedForParallelJobsIsACancelAndDropsTheNewDatabase() throws Exception {
        String before = db.snapshot();
        PostgresDumper parallel = (PostgresDumper) new PostgresDumperProvider().create(db.config(Map.of("jobs", "2")));
        DumpSource interruptedWhileDecoding = new DumpSource() {
            @Override
            public java.io.InputStream open() {
                return new java.io.ByteArrayInputStream(dump);
            }

            @Override
            public Path toFile() throws java.io.IOException {
                Thread.currentThread().interrupt(); // as the engine's decoding into the spool stops on a cancel
                throw new java.io.InterruptedIOException("decoding the dump was interrupted");
            }

            @Override
            public Path workDir() {
                return dir;
            }

            @Override
            public DatabaseInfo info() {
                return info;
            }

            @Override
            public java.util.Optional<String> keepAside() {
                return java.util.Optional.of("cancelled");
            }
        };
        boolean[] stillInterrupted = new boolean[1];
        Future<?> restore = executor.submit(() -> {
            try {
                parallel.restore(interruptedWhileDecoding);
            } finally {
                stillInterrupted[0] = Thread.interrupted();
            }
        });

        Throwable thrown = catchThrowable(() -> restore.get(60, TimeUnit.SECONDS));
        assertThat(thrown.getCause())
                .isInstanceOf(BackupCancelledException.class)
                .hasMessageContaining("left as it was");
        assertThat(stillInterrupted[0])
                .as("the interrupt is kept for the caller")
                .isTrue();
        assertThat(db.databasesBeside()).as("the new database was dropped").isEmpty();
        assertThat(db.snapshot()).isEqualTo(before);
    }

    @Test
    void garbageInTheMiddleIsRefusedAndNothingChanges() throws Exception {
        byte[] damaged = dump.clone();
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        System.arraycopy(noise, 0, damaged, damaged.length / 2, noise.length);
        assertRefusedAndUnchanged(damaged);
    }

    @Test
    void dumpsCutAtSeveralPointsAreRefusedAndNothingChanges() throws Exception {
        for (int percent : new int[] {5, 40, 95}) {
            byte[] cut = java.util.Arrays.copyOf(dump, (int) ((long) dump.length * percent / 100));
            assertRefusedAndUnchanged(cut);
        }
    }

    @Test
    void aUserWithoutRightsCannotRestoreAndNothingChanges() throws Exception {
        String role = db.createRole("bk_it_weak_", "weak");
        PostgresDumper weak =
                (PostgresDumper) new PostgresDumperProvider().create(db.config(role, Secret.of("weak"), Map.of()));
        String before = db.snapshot();

        Throwable thrown = catchThrowable(() -> weak.restore(source(dump)));

        assertThat(thrown)
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("lacks a privilege")
                .hasMessageContaining(role)
                .hasMessageContaining("left as it was");
        assertThat(db.snapshot()).isEqualTo(before);
    }

    @Test
    void aServerThatIsDownIsNamedAndNothingChanges() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresDumper down = (PostgresDumper) new PostgresDumperProvider()
                .create(new io.backupkit.backup.spi.DatabaseConfig(
                        "jdbc:postgresql://127.0.0.1:" + port + "/" + db.name, "postgres", null, null, null));
        String before = db.snapshot();

        Throwable thrown = catchThrowable(() -> down.restore(source(dump)));

        assertThat(thrown)
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at 127.0.0.1:" + port)
                .hasMessageContaining("left as it was");
        assertThat(db.snapshot()).isEqualTo(before);
    }

    private void assertRefusedAndUnchanged(byte[] damaged) throws Exception {
        String before = db.snapshot();

        Throwable thrown = catchThrowable(() -> dumper.restore(source(damaged)));

        assertThat(thrown)
                .as("restore of a damaged dump of " + damaged.length + " bytes")
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("left as it was");
        assertThat(db.snapshot()).isEqualTo(before);
    }

    private io.backupkit.backup.spi.DumpSource source(byte[] bytes) throws Exception {
        Path f = Files.createTempFile(dir, "dump", ".pgdump");
        Files.write(f, bytes);
        return DumpFiles.source(f, info);
    }
}
