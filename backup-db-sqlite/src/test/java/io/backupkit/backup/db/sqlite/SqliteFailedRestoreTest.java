package io.backupkit.backup.db.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that fails, is interrupted or is killed midway leaves the old database exactly as it was,
 * and its half-built file is removed (at once, or by the next run after a kill).
 */
class SqliteFailedRestoreTest {
    @TempDir
    Path dir;

    private Path db;
    private DatabaseDumper dumper;
    private Path dump;
    private String before;

    @BeforeEach
    void backedUpThenChanged() throws Exception {
        db = dir.resolve("app.db");
        SqliteRoundTripTest.createRichDatabase(db);
        dumper = SqliteFiles.dumper(db);
        dump = DumpFiles.dumpTo(
                dumper, Files.createDirectories(dir.resolve("dumps")).resolve("app.sqlite3"));
        SqliteFiles.exec(db, "DELETE FROM part WHERE id = 1", "CREATE TABLE added_later(x)", "PRAGMA user_version = 9");
        before = SqliteFiles.snapshot(db);
    }

    @Test
    void aStreamFailingMidwayChangesNothing() throws Exception {
        Throwable thrown = catchThrowable(() -> dumper.restore(faulty(FaultySource.Fault.FAIL, null)));

        assertThat(thrown)
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("injected read failure")
                .hasMessageContaining("not changed");
        assertUnchanged();
    }

    @Test
    void aFailingCommitGateChangesNothing() throws Exception {
        Throwable thrown = catchThrowable(() -> dumper.restore(faulty(FaultySource.Fault.GATE, null)));

        assertThat(thrown).hasMessageContaining("the media part of the restore failed");
        assertUnchanged();
    }

    @Test
    void anInterruptedRestoreChangesNothing() throws Exception {
        CountDownLatch stalled = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread restore = new Thread(() ->
                thrown.set(catchThrowable(() -> dumper.restore(faulty(FaultySource.Fault.STALL, stalled::countDown)))));
        restore.start();
        assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(halfBuiltFiles()).as("the new file is being written").isNotEmpty();

        restore.interrupt();
        restore.join(10_000);

        assertThat(restore.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(BackupCancelledException.class).hasMessageContaining("not changed");
        assertUnchanged();
    }

    @Test
    void aKilledRestoreChangesNothingAndTheNextRunRemovesItsFile() throws Exception {
        try (ChildJvm child = ChildJvm.start(SqliteChild.class, "restore", db.toString(), dump.toString())) {
            assertThat(child.awaitLine("STALLED", Duration.ofSeconds(60)))
                    .as(child.output())
                    .isTrue();
            assertThat(halfBuiltFiles()).as("the child's new file").hasSize(1);
            child.kill();
        }
        assertThat(SqliteFiles.snapshot(db)).isEqualTo(before);
        assertThat(halfBuiltFiles()).as("left by the killed restore").hasSize(1);

        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));

        assertThat(halfBuiltFiles()).as("removed by the next run").isEmpty();
        assertThat(SqliteFiles.count(db, "SELECT count(*) FROM part WHERE id = 1"))
                .isEqualTo(1);
    }

    @Test
    void theWalOfAHostThatCrashedIsNeitherLostByAFailedRestoreNorReplayedOntoTheNewFile() throws Exception {
        // describe() would open and close the database, which checkpoints the WAL: ask it first
        io.backupkit.backup.DatabaseInfo info = DumpFiles.infoOf(dumper);
        crashHostWithWorkInTheWal();
        assertThat(Files.size(dir.resolve("app.db-wal")))
                .as("committed work left in the WAL")
                .isPositive();
        Path copy = Files.createDirectories(dir.resolve("copy")).resolve("app.db");
        Files.copy(db, copy);
        Files.copy(dir.resolve("app.db-wal"), dir.resolve("copy/app.db-wal"));
        String crashed = SqliteFiles.snapshot(copy);
        assertThat(crashed).isNotEqualTo(before);

        catchThrowable(
                () -> dumper.restore(new FaultySource(DumpFiles.source(dump, info), 0, FaultySource.Fault.GATE, null)));
        assertThat(SqliteFiles.snapshot(db)).as("after a failed restore").isEqualTo(crashed);

        crashHostWithWorkInTheWal();
        assertThat(Files.size(dir.resolve("app.db-wal")))
                .as("the second crash's WAL")
                .isPositive();
        dumper.restore(DumpFiles.source(dump, info));

        assertThat(SqliteFiles.count(db, "SELECT count(*) FROM part WHERE name LIKE '%WAL%'"))
                .isZero();
        assertThat(SqliteFiles.count(db, "SELECT count(*) FROM part WHERE id = 1"))
                .isEqualTo(1);
        assertThat(SqliteFiles.count(db, "PRAGMA user_version")).isEqualTo(42);
    }

    /** A host commits to the WAL and is killed before a checkpoint. */
    private void crashHostWithWorkInTheWal() throws Exception {
        try (ChildJvm host = ChildJvm.start(SqliteChild.class, "crash-in-wal", db.toString())) {
            assertThat(host.awaitLine("WRITTEN", Duration.ofSeconds(60)))
                    .as(host.output())
                    .isTrue();
            host.kill();
        }
    }

    private FaultySource faulty(FaultySource.Fault fault, Runnable onStall) throws Exception {
        return new FaultySource(DumpFiles.source(dump, DumpFiles.infoOf(dumper)), Files.size(dump) / 2, fault, onStall);
    }

    private void assertUnchanged() throws Exception {
        assertThat(SqliteFiles.snapshot(db)).isEqualTo(before);
        assertThat(halfBuiltFiles()).isEmpty();
    }

    private List<Path> halfBuiltFiles() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".app.db.restore-"))
                    .toList();
        }
    }
}
