package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.FaultInjectingStorage;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T2/T3 with both parts running: one part's write fails while the other is streaming. The create
 * must fail promptly (the other part stops), leave no temp file, and the database must be intact.
 *
 * <p>Found by {@link StorageFailsOnceTest}: the engine used to interrupt the running H2 dump; the
 * interrupt could reach H2 inside its file I/O, the thread then spun in {@code
 * MVStore.closeStore}, {@code create()} waited 60 s and left the dump's temp file (about one run in
 * three). Fixed by cancelling the other part cooperatively and interrupting only a part that does
 * not stop within 10 s (470a9bd).
 */
class PartFailureCancelsOtherPartTest {
    @TempDir
    Path tmp;

    @RepeatedTest(3)
    void whenTheMediaWriteFailsTheRunningH2DumpStopsPromptlyAndLeavesNothing() throws Exception {
        MatrixFixture f = new MatrixFixture(tmp);
        f.createDatabase(6000);
        f.createMedia(4, 100_000, 4);
        FaultInjectingStorage storage = new FaultInjectingStorage(new FilesystemStorage(f.backups, false, null));
        storage.onlyFor(name -> name.contains(".media.tar")).failWriteAfter(0, true);
        assertFailsPromptlyAndCleanly(f, f.builder().component(BackupStorage.class, storage), 5);
    }

    /**
     * The same, with the engine's cancellation (an interrupt of the dump thread) arriving while the
     * dump is streaming: the listener's progress call on the dump thread waits for it and keeps
     * the interrupt status, as well-behaved code does.
     */
    @Test
    void anInterruptArrivingDuringTheH2DumpStopsItPromptlyAndLeavesNothing() throws Exception {
        MatrixFixture f = new MatrixFixture(tmp);
        f.createDatabase(6000);
        f.createMedia(4, 1_000_000, 4);
        FaultInjectingStorage storage = new FaultInjectingStorage(new FilesystemStorage(f.backups, false, null));
        CountDownLatch dumpWaits = new CountDownLatch(1);
        AtomicBoolean waited = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        BackupListener waitForCancellation = new BackupListener() {
            @Override
            public void progress(Phase phase, long bytesDone) {
                if (phase == Phase.MEDIA_ARCHIVE && bytesDone > 0) {
                    // the media part goes on (and fails) only once the dump is in the middle
                    await(dumpWaits);
                } else if (phase == Phase.DATABASE_DUMP && bytesDone > 0 && waited.compareAndSet(false, true)) {
                    storage.onlyFor(name -> name.contains(".media.tar")).failWriteAfter(0, true);
                    dumpWaits.countDown();
                    try {
                        Thread.sleep(20_000); // the media failure cancels this part meanwhile
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        Thread.currentThread().interrupt(); // keep the status for the code below
                    }
                }
            }
        };
        // the listener does not stop by itself: the engine waits its cooperative-stop time (10 s),
        // then interrupts this part
        assertFailsPromptlyAndCleanly(
                f, f.builder().component(BackupStorage.class, storage).listener(waitForCancellation), 25);
        assertThat(waited).isTrue();
        assertThat(interrupted)
                .as("the engine's cancellation reached the dump thread")
                .isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void assertFailsPromptlyAndCleanly(MatrixFixture f, BackupManager.Builder builder, int seconds)
            throws Exception {
        String before = f.databaseState();
        try (BackupManager backups = builder.build()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(backups::create).isInstanceOf(UnableToStoreException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(seconds));
            assertThat(f.backupFolder()).as("no temp file, no object left").isEmpty();
        }
        assertThat(f.databaseState()).isEqualTo(before);
        try (var c = f.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM item")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(6000);
        }
    }
}
