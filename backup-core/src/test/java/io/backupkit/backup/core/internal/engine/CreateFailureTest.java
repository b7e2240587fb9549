package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.tck.FaultInjectingStorage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T1, T2, T24: a create that fails or is interrupted at any step lists no backup, leaves no final
 * partial object, and the next prune removes what is left.
 */
class CreateFailureTest {
    @TempDir
    Path tmp;

    EngineFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = EngineFixture.withDatabaseAndMedia(tmp);
        f.write("big.bin", 3 << 20, 11);
    }

    private FaultInjectingStorage faulty() {
        return new FaultInjectingStorage(new FilesystemStorage(f.backups));
    }

    /** The storage lease and the lock file the filesystem storage keeps beside it. */
    private static boolean isLease(String name) {
        return name.equals("backup.lease") || name.equals(".backup.lease.lock");
    }

    private void assertNothingListedAndPruneCleansUp() throws IOException {
        try (BackupManager clean = f.builder().build()) {
            assertThat(clean.list()).isEmpty();
            PruneResult pruned = clean.prune(new RetentionPolicy(1, 0, 0, 0, null, 0, Duration.ZERO), PruneMode.APPLY);
            assertThat(pruned.deleted()).isEmpty();
        }
        try (Stream<Path> left = Files.list(f.backups)) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> !isLease(n)))
                    .as("objects left after prune")
                    .isEmpty();
        }
    }

    @Test
    void t2_storageFailingMidwayLeavesNoBackupAndNoFinalObject() throws Exception {
        FaultInjectingStorage storage =
                faulty().onlyFor(n -> n.contains(".media.")).failWriteAfter(1 << 20, false);
        try (BackupManager backups =
                f.builder().component(BackupStorage.class, storage).build()) {
            assertThatThrownBy(backups::create)
                    .isInstanceOf(UnableToStoreException.class)
                    .hasMessageContaining("no backup was committed");
            assertThat(storage.injectedFaults()).as("the fault happened").isPositive();
            assertThat(backups.list()).isEmpty();
        }
        try (Stream<Path> left = Files.list(f.backups)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.contains(".media.tar"))
                    .noneMatch(n -> n.endsWith(".manifest.json"));
        }
        assertNothingListedAndPruneCleansUp();
    }

    @Test
    void t1_failureJustBeforeTheManifestLeavesNothingListed() throws Exception {
        FaultInjectingStorage storage =
                faulty().onlyFor(n -> n.endsWith(".manifest.json")).failCommit(false);
        try (BackupManager backups =
                f.builder().component(BackupStorage.class, storage).build()) {
            assertThatThrownBy(backups::create).isInstanceOf(UnableToStoreException.class);
            assertThat(backups.list()).isEmpty();
        }
        assertNothingListedAndPruneCleansUp();
    }

    @Test
    void t1_leftoversOfAKilledCreateAreInvisibleAndPrunedAfterTheGracePeriod() throws Exception {
        try (BackupManager backups = f.builder().build()) {
            var info = backups.create().backup();
            // simulate a process killed before its manifest: the artifacts stay, the manifest goes
            Files.delete(f.backups.resolve(info.id() + ".manifest.json"));
            assertThat(backups.list()).isEmpty();
            // within the grace period nothing is removed (a create may still be running)
            PruneResult graceful = backups.prune(RetentionPolicy.keepLast(1), PruneMode.APPLY);
            assertThat(graceful.leftovers()).isEmpty();
            assertThat(Files.exists(f.backups.resolve(info.artifacts().get(0).name())))
                    .isTrue();
            PruneResult pruned =
                    backups.prune(new RetentionPolicy(1, 0, 0, 0, null, 0, Duration.ZERO), PruneMode.APPLY);
            assertThat(pruned.leftovers())
                    .containsExactlyInAnyOrderElementsOf(
                            info.artifacts().stream().map(a -> a.name()).toList());
        }
        assertNothingListedAndPruneCleansUp();
    }

    @Test
    void t24_dumpThatFailsMidwayWritesNoManifest() throws Exception {
        try (BackupManager backups = f.builder()
                .component(DatabaseDumper.class, new FailingDumper(realDumper(), 50_000))
                .build()) {
            assertThatThrownBy(backups::create)
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("dump tool killed");
            assertThat(backups.list()).isEmpty();
        }
        assertNothingListedAndPruneCleansUp();
    }

    @Test
    void t1_cancelledCreateLeavesNothing() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        DatabaseDumper slow = new FailingDumper(realDumper(), Long.MAX_VALUE) {
            @Override
            public void dump(OutputStream out) {
                started.countDown();
                super.dump(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException();
                        }
                        out.write(b, off, len);
                    }
                });
            }
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (BackupManager backups =
                f.builder().component(DatabaseDumper.class, slow).build()) {
            Thread t = new Thread(() -> {
                try {
                    backups.create();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            started.await();
            Thread.sleep(100);
            t.interrupt();
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOf(BackupCancelledException.class);
            assertThat(backups.list()).isEmpty();
        }
        assertNothingListedAndPruneCleansUp();
    }

    /**
     * The media archive starts before the dumper's checks (they run while it works); a check that
     * fails then stops the archive, whether it is still being written or already stored, and
     * nothing is left (T21).
     */
    @Test
    void t21_aDumperCheckFailingWhileTheMediaIsArchivedLeavesNothing() throws Exception {
        f.write("large.bin", 48 << 20, 12); // about half a second of archiving: the check fails midway
        for (boolean stored : new boolean[] {false, true}) {
            DatabaseDumper refusing = new FailingDumper(realDumper(), Long.MAX_VALUE) {
                @Override
                public DatabaseDescription describe() {
                    // fail once the media archive is being written (its temp file), or once it is stored
                    awaitFile(n -> n.contains(".media.tar") && (!stored || !n.startsWith(".")));
                    throw new DatabaseToolException("pg_dump", "no pg_dump here");
                }
            };
            try (BackupManager backups =
                    f.builder().component(DatabaseDumper.class, refusing).build()) {
                assertThatThrownBy(backups::create)
                        .as(stored ? "media already stored" : "media being written")
                        .isInstanceOf(DatabaseToolException.class)
                        .hasMessageContaining("no pg_dump here");
                assertThat(backups.list()).isEmpty();
            }
            try (Stream<Path> left = Files.list(f.backups)) {
                assertThat(left.map(p -> p.getFileName().toString()).filter(n -> !isLease(n)))
                        .as("files left when the media was " + (stored ? "stored" : "being written"))
                        .isEmpty();
            }
        }
    }

    private void awaitFile(java.util.function.Predicate<String> name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(f.backups)) {
                if (files.map(p -> p.getFileName().toString()).anyMatch(name)) {
                    return;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // the folder is made when the lease is taken, which may come after this check starts
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the media archive did not start within 20 s");
    }

    private DatabaseDumper realDumper() {
        try (BackupManager m = f.builder().build()) {
            return EngineSettings.of(m).dumper();
        }
    }

    /** The real H2 dumper whose output fails after {@code limit} bytes, like a dump tool that dies. */
    static class FailingDumper implements DatabaseDumper {
        private final DatabaseDumper real;
        private final long limit;

        FailingDumper(DatabaseDumper real, long limit) {
            this.real = real;
            this.limit = limit;
        }

        @Override
        public String id() {
            return real.id();
        }

        @Override
        public DatabaseDescription describe() {
            return real.describe();
        }

        @Override
        public String format() {
            return real.format();
        }

        @Override
        public void dump(OutputStream out) {
            real.dump(new FilterOutputStream(out) {
                long n;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    n += len;
                    if (n > limit) {
                        throw new IOException("dump tool killed");
                    }
                    out.write(b, off, len);
                }

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }
            });
        }

        @Override
        public void checkRestorable(DatabaseInfo info) {
            real.checkRestorable(info);
        }

        @Override
        public void restore(DumpSource source) {
            real.restore(source);
        }
    }
}
