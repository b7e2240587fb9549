package io.backupkit.backup.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link DatabaseDumper} must pass. A provider's test extends this class and says
 * how to make a dumper for a fresh test database, how to fill and change that database, and how to
 * take a comparable snapshot of it.
 *
 * <p>Order within each test: the subclass's {@code @BeforeEach} methods (e.g. create an empty test
 * database), then {@link #createDumper()}, then {@link #createFixture()}; the subclass's {@code
 * @AfterEach} methods drop the database. Nothing here is shared between tests.
 *
 * <p>Cases: the description and format are filled in; dump, change everything, restore gives back the
 * exact state of the dump (objects created since are gone); restoring twice is idempotent; a
 * truncated, corrupted or empty dump is refused and the database stays as it was (all or nothing);
 * {@link DatabaseDumper#checkRestorable} refuses another dumper's backup; a dump into a stream that
 * fails midway fails with {@link UnableToDumpDatabaseException} in bounded time and leaves no child
 * process or thread behind.
 */
public abstract class DatabaseDumperContract {
    /** A folder for the dumps of one test. */
    @TempDir
    protected Path dumpDir;

    private DatabaseDumper dumper;

    /** A dumper for the test database; called once per test, after the subclass's {@code @BeforeEach}. */
    protected abstract DatabaseDumper createDumper() throws Exception;

    /**
     * Creates a small representative schema with data in the test database: several tables with
     * keys, constraints, an index, a view, a sequence, large and unicode values, NULLs.
     */
    protected abstract void createFixture() throws Exception;

    /**
     * Changes the database in every way a restore must undo: add a table, drop rows, alter a column,
     * add a view, advance a sequence, ... After this, {@link #snapshot()} must differ.
     */
    protected abstract void changeEverything() throws Exception;

    /**
     * A canonical text of the database's schema and of per-table data digests: equal if and only if
     * the two database states are equal.
     */
    protected abstract String snapshot() throws Exception;

    /**
     * Writes a damaged copy of {@code dump} to {@code target}. The default inverts 16 bytes in the
     * middle; override when another damage is more telling for the format, and say why.
     */
    protected Path corrupt(Path dump, Path target) throws IOException {
        long size = Files.size(dump);
        int count = (int) Math.min(16, size);
        return DumpFiles.corruptedCopy(dump, (size - count) / 2, count, target);
    }

    /** The longest a dump into a failing stream may take to fail. */
    protected Duration failingDumpTimeout() {
        return Duration.ofMinutes(2);
    }

    /**
     * Whether a thread started during a failed dump may outlive it (e.g. a JDBC driver's shared
     * timer). The default allows none.
     */
    protected boolean mayOutliveDump(Thread thread) {
        return false;
    }

    /** The dumper of this test, created on first use and then filled with the fixture. */
    protected final DatabaseDumper dumper() throws Exception {
        if (dumper == null) {
            dumper = createDumper();
            assertThat(dumper).as("createDumper()").isNotNull();
            createFixture();
        }
        return dumper;
    }

    @Test
    void describeNamesProductServerAndTool() throws Exception {
        DatabaseDescription d = dumper().describe();

        assertThat(d).isNotNull();
        assertThat(d.product()).as("product").isNotBlank();
        assertThat(d.serverVersion()).as("serverVersion").isNotBlank();
        assertThat(d.tool()).as("tool").isNotBlank();
        assertThat(d.toolVersion()).as("toolVersion").isNotBlank();
        assertThat(dumper().id()).as("id").isNotBlank().isEqualTo(dumper().id().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void formatIsNamed() throws Exception {
        assertThat(dumper().format()).isNotBlank().doesNotContain("/").doesNotStartWith(".");
    }

    @Test
    void dumpDoesNotCloseTheStream() throws Exception {
        CloseRecordingStream out = new CloseRecordingStream();

        dumper().dump(out);

        assertThat(out.closed).as("dump() closed the caller's stream").isFalse();
        assertThat(out.size()).as("dump size").isPositive();
    }

    @Test
    void restoreGivesBackTheDumpedStateAndDropsNewerObjects() throws Exception {
        DatabaseDumper d = dumper();
        String dumped = snapshot();
        Path dump = DumpFiles.dumpTo(d, dumpDir.resolve("db." + d.format()));

        changeEverything();
        assertThat(snapshot()).as("changeEverything() must change the snapshot").isNotEqualTo(dumped);

        d.restore(DumpFiles.source(dump, DumpFiles.infoOf(d)));

        assertThat(snapshot()).isEqualTo(dumped);
    }

    @Test
    void restoringTheSameDumpTwiceIsIdempotent() throws Exception {
        DatabaseDumper d = dumper();
        String dumped = snapshot();
        Path dump = DumpFiles.dumpTo(d, dumpDir.resolve("db." + d.format()));
        DatabaseInfo info = DumpFiles.infoOf(d);
        changeEverything();

        d.restore(DumpFiles.source(dump, info));
        d.restore(DumpFiles.source(dump, info));

        assertThat(snapshot()).isEqualTo(dumped);
    }

    @Test
    void aDumpOfARestoredDatabaseRestoresToTheSameState() throws Exception {
        DatabaseDumper d = dumper();
        String dumped = snapshot();
        DatabaseInfo info = DumpFiles.infoOf(d);
        Path first = DumpFiles.dumpTo(d, dumpDir.resolve("first." + d.format()));
        changeEverything();
        d.restore(DumpFiles.source(first, info));
        Path second = DumpFiles.dumpTo(d, dumpDir.resolve("second." + d.format()));
        changeEverything();

        d.restore(DumpFiles.source(second, info));

        assertThat(snapshot()).isEqualTo(dumped);
    }

    @Test
    void aTruncatedDumpIsRefusedAndTheDatabaseStaysAsItWas() throws Exception {
        DatabaseDumper d = dumper();
        Path dump = DumpFiles.dumpTo(d, dumpDir.resolve("db." + d.format()));
        Path truncated = DumpFiles.truncatedCopy(dump, Files.size(dump) / 2, dumpDir.resolve("cut." + d.format()));
        changeEverything();
        String before = snapshot();

        Throwable thrown = catchThrowable(() -> d.restore(DumpFiles.source(truncated, DumpFiles.infoOf(d))));

        assertRefused(thrown);
        assertThat(snapshot()).as("database after a refused restore").isEqualTo(before);
    }

    @Test
    void aCorruptedDumpIsRefusedAndTheDatabaseStaysAsItWas() throws Exception {
        DatabaseDumper d = dumper();
        Path dump = DumpFiles.dumpTo(d, dumpDir.resolve("db." + d.format()));
        Path corrupted = corrupt(dump, dumpDir.resolve("corrupt." + d.format()));
        assertThat(Files.readAllBytes(corrupted))
                .as("corrupt() must change the bytes")
                .isNotEqualTo(Files.readAllBytes(dump));
        changeEverything();
        String before = snapshot();

        Throwable thrown = catchThrowable(() -> d.restore(DumpFiles.source(corrupted, DumpFiles.infoOf(d))));

        assertRefused(thrown);
        assertThat(snapshot()).as("database after a refused restore").isEqualTo(before);
    }

    @Test
    void anEmptyDumpIsRefusedAndTheDatabaseStaysAsItWas() throws Exception {
        DatabaseDumper d = dumper();
        Path empty = Files.createFile(dumpDir.resolve("empty." + d.format()));
        String before = snapshot();

        Throwable thrown = catchThrowable(() -> d.restore(DumpFiles.source(empty, DumpFiles.infoOf(d))));

        assertRefused(thrown);
        assertThat(snapshot()).as("database after a refused restore").isEqualTo(before);
    }

    @Test
    void checkRestorableAcceptsItsOwnDumps() throws Exception {
        DatabaseDumper d = dumper();

        assertThatCode(() -> d.checkRestorable(DumpFiles.infoOf(d))).doesNotThrowAnyException();
    }

    @Test
    void checkRestorableRefusesAnotherDumpersBackup() throws Exception {
        DatabaseDumper d = dumper();
        DatabaseInfo own = DumpFiles.infoOf(d);
        DatabaseInfo other = new DatabaseInfo(
                "not-" + d.id(), own.product(), own.serverVersion(), own.tool(), own.toolVersion(), own.format());

        assertThatThrownBy(() -> d.checkRestorable(other))
                .isInstanceOf(IncompatibleBackupException.class)
                .hasMessageContaining(other.dumper());
    }

    @Test
    void aDumpIntoAStreamThatFailsMidwayFailsCleanly() throws Exception {
        DatabaseDumper d = dumper();
        CloseRecordingStream whole = new CloseRecordingStream();
        d.dump(whole);
        long failAfter = Math.max(1, whole.size() / 2);
        Set<Long> childrenBefore = childProcesses();
        Set<Long> threadsBefore = liveThreads().stream().map(Thread::getId).collect(Collectors.toSet());

        Throwable thrown = assertTimeoutPreemptively(
                failingDumpTimeout(), () -> catchThrowable(() -> d.dump(new FailingStream(failAfter))));

        assertThat(thrown)
                .as("dump into a stream failing after " + failAfter + " bytes")
                .isInstanceOf(UnableToDumpDatabaseException.class);
        awaitGone(
                () -> childProcesses().stream()
                        .filter(pid -> !childrenBefore.contains(pid))
                        .map(String::valueOf)
                        .collect(Collectors.toList()),
                "child processes");
        awaitGone(
                () -> liveThreads().stream()
                        .filter(t -> !threadsBefore.contains(t.getId()) && !mayOutliveDump(t))
                        .map(Thread::getName)
                        .collect(Collectors.toList()),
                "threads");
    }

    private static void assertRefused(Throwable thrown) {
        assertThat(thrown)
                .as("restore of a damaged dump must throw a BackupException")
                .isInstanceOf(BackupException.class);
        if (!(thrown instanceof UnableToRestoreDatabaseException)) {
            // other BackupExceptions (CorruptBackupException, DatabaseToolException) are fine too
            assertThat(thrown.getMessage()).isNotBlank();
        }
    }

    private static Set<Long> childProcesses() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private static List<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .collect(Collectors.toList());
    }

    private static void awaitGone(java.util.function.Supplier<List<String>> leftovers, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left = leftovers.get();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = leftovers.get();
        }
        assertThat(left).as(what + " left running after a failed dump").isEmpty();
    }

    /** Counts bytes and records close(). */
    private static final class CloseRecordingStream extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Accepts {@code limit} bytes, then throws on every write. */
    private static final class FailingStream extends OutputStream {
        private final long limit;
        private long written;

        FailingStream(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            check(1);
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(len);
            written += len;
        }

        private void check(int len) throws IOException {
            if (written + len > limit) {
                throw new IOException("injected failure after " + written + " bytes (limit " + limit + ")");
            }
        }
    }
}
