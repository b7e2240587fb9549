package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.tck.DumpFileSource;
import io.backupkit.backup.tck.DumpFiles;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupting the thread of a dump kills the tool at once, even while the tool is stuck (here on a
 * table another session has locked) and the thread blocks reading the tool's output.
 */
class MysqlCancelIT {
    private String db;

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServer.require();
        db = MariaDbServer.createDatabase();
        MariaDbServer.exec(db, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropDatabase(db);
    }

    @Test
    void interruptingABlockedDumpKillsTheTool() throws Exception {
        MysqlDumper dumper = MariaDbServer.dumper(db);
        try (Connection locker = MariaDbServer.root(db);
                Statement s = locker.createStatement()) {
            s.execute("LOCK TABLES t WRITE");
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread dumping = new Thread(() -> {
                try {
                    dumper.dump(new ByteArrayOutputStream());
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            dumping.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (toolsRunning() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(toolsRunning()).as("the dump tool started").isEqualTo(1);
            Thread.sleep(500); // it is now waiting for the lock
            assertThat(dumping.isAlive()).as("the dump is blocked on the lock").isTrue();

            long start = System.nanoTime();
            dumping.interrupt();
            dumping.join(Duration.ofSeconds(10).toMillis());

            assertThat(dumping.isAlive()).as("the dump thread ended").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(thrown.get()).isInstanceOf(BackupCancelledException.class);
            assertThat(toolsRunning()).as("no dump tool left").isZero();
            s.execute("UNLOCK TABLES");
        }
    }

    @Test
    void interruptingARestoreMidwayPutsTheDatabaseBack(@TempDir Path dir) throws Exception {
        MariaDbServer.exec(db, "INSERT INTO t SELECT seq FROM seq_2_to_20000");
        MysqlDumper dumper = MariaDbServer.dumper(db);
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.sql"));
        DatabaseInfo info = DumpFiles.infoOf(dumper);
        MariaDbServer.exec(db, "DELETE FROM t WHERE id > 10", "CREATE TABLE newer (id INT)");
        String before = MysqlSnapshots.of(db);
        long half = Files.size(dump) / 2;
        DumpSource source = new MidwaySource(new DumpFileSource(dump, dir, info), half, () -> Thread.currentThread()
                .interrupt()); // the caller cancels

        Throwable thrown = catchThrowable(() -> dumper.restore(source));
        boolean interrupted = Thread.interrupted();

        assertThat(thrown).isInstanceOf(BackupCancelledException.class).hasMessageContaining("put back");
        assertThat(interrupted).as("the interrupt is kept for the caller").isTrue();
        assertThat(MysqlSnapshots.of(db)).isEqualTo(before);
    }

    private static long toolsRunning() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p ->
                        p.info().command().map(c -> c.endsWith("mariadb-dump")).orElse(false))
                // not the short-lived "--version" probe the dumper runs first: it would end the wait early
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> !java.util.List.of(a).contains("--version"))
                        .orElse(true))
                .collect(Collectors.toList())
                .size();
    }
}
