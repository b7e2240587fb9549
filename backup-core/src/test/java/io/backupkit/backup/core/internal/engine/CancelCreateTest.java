package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.Phase;
import io.backupkit.backup.core.internal.lease.StorageLease;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.tck.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling a create from the library: interrupting its thread, or {@code close()} from another
 * thread, stops it within seconds, leaves nothing in the storage (no object, no partial file, no
 * lease) and throws {@link BackupCancelledException}; the next create succeeds at once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CancelCreateTest {
    @TempDir
    Path temp;

    EngineFixture fx;

    @BeforeEach
    void data() throws Exception {
        fx = new EngineFixture(temp);
        fx.createDatabase();
        Random random = new Random(3);
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[4 << 20];
            random.nextBytes(b);
            Files.write(fx.media.resolve("photo-" + i + ".raw"), b);
        }
    }

    /** Paces the media archive (a pause per progress step) and opens {@code uploading} at its first one. */
    private static BackupListener paced(CountDownLatch uploading) {
        return new BackupListener() {
            @Override
            public void progress(Phase phase, long bytes) {
                if (phase == Phase.MEDIA_ARCHIVE) {
                    uploading.countDown();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    @Test
    void closeFromAnotherThreadDuringTheMediaUploadCancelsTheCreateAndKeepsNothing() throws Exception {
        CountDownLatch uploading = new CountDownLatch(1);
        BackupManager manager = fx.builder().listener(paced(uploading)).build();
        CompletableFuture<CreateResult> create =
                CompletableFuture.supplyAsync(manager::create, CancelCreateTest::thread);
        assertThat(uploading.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(partials()).as("the media upload is under way").isNotEmpty();

        long t0 = System.nanoTime();
        manager.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .as("close() waits for the clean-up")
                .isLessThan(Duration.ofSeconds(10));
        // close() returns once the create has cleaned up; its thread then completes the future
        assertThat(create).failsWithin(Duration.ofSeconds(5));

        assertCancelledAndClean(create);
        assertThatThrownBy(manager::list).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> manager.create()).isInstanceOf(IllegalStateException.class);
        try (BackupManager next = fx.builder().build()) {
            assertThat(next.create().backup().artifacts()).hasSize(2);
        }
    }

    @Test
    void interruptingTheThreadOfTheCreateCancelsIt() throws Exception {
        CountDownLatch uploading = new CountDownLatch(1);
        try (BackupManager manager = fx.builder().listener(paced(uploading)).build()) {
            AtomicReference<Thread> worker = new AtomicReference<>();
            CompletableFuture<CreateResult> create = createOnItsOwnThread(manager, worker);
            assertThat(uploading.await(60, TimeUnit.SECONDS)).isTrue();
            worker.get().interrupt();
            assertCancelledAndClean(create);
            assertThat(manager.create().backup().artifacts())
                    .as("the same manager goes on")
                    .hasSize(2);
        }
    }

    @Test
    void anInterruptJustBeforeTheManifestDeletesTheArtifacts() throws Exception {
        CountDownLatch atManifest = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        BackupListener listener = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                if (phase == Phase.MANIFEST) {
                    atManifest.countDown();
                    try {
                        interrupted.await(); // returns at once once interrupted: the flag is then cleared
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (BackupManager manager = fx.builder().listener(listener).build()) {
            AtomicReference<Thread> worker = new AtomicReference<>();
            CompletableFuture<CreateResult> create = createOnItsOwnThread(manager, worker);
            assertThat(atManifest.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(objects())
                    .as("both artifacts are stored")
                    .filteredOn(n -> n.startsWith("backup-"))
                    .hasSize(2);
            worker.get().interrupt();
            assertCancelledAndClean(create);
        }
    }

    @Test
    void aHostsShutdownHookThatClosesTheManagerCancelsTheCreateOnSigterm() throws Exception {
        try (ChildJvm host = ChildJvm.start(ShutdownHookMain.class, fx.backups.toString(), fx.media.toString())) {
            assertThat(host.awaitLine("UPLOADING", Duration.ofSeconds(60)))
                    .as(host.output())
                    .isTrue();
            host.process().destroy(); // SIGTERM: the JVM runs its shutdown hooks
            assertThat(host.awaitExit(Duration.ofSeconds(30))).as(host.output()).isTrue();
            assertThat(host.process().exitValue()).as(host.output()).isEqualTo(143);
            assertThat(host.output()).doesNotContain("CREATED");
        }
        assertThat(objects()).as("nothing left in the storage").isEmpty();
        try (BackupManager next = fx.builder().build()) {
            assertThat(next.create().backup().artifacts()).hasSize(2);
        }
    }

    @Test
    void aCreateLongerThanTheLeaseTtlKeepsItsLease() throws Exception {
        Duration ttl = Duration.ofSeconds(3); // renewed every second
        FilesystemStorage other = new FilesystemStorage(fx.backups);
        CountDownLatch checked = new CountDownLatch(1);
        BackupListener listener = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                if (phase == Phase.MANIFEST) {
                    // three TTLs into the create, another process still finds the lease held
                    long end = System.nanoTime() + ttl.multipliedBy(3).toNanos();
                    while (System.nanoTime() < end) {
                        assertThat(StorageLease.tryAcquire(
                                        other, StorageLease.DEFAULT_NAME, "other", ttl, Clock.systemUTC()))
                                .isEmpty();
                        sleep(200);
                    }
                    checked.countDown();
                }
            }
        };
        try (BackupManager manager =
                fx.builder().leaseTtl(ttl).listener(listener).build()) {
            assertThat(manager.create().backup().artifacts()).hasSize(2);
        }
        assertThat(checked.getCount()).isZero();
        assertThat(other.stat(StorageLease.DEFAULT_NAME)).as("released").isEmpty();
    }

    private void assertCancelledAndClean(CompletableFuture<CreateResult> create) throws Exception {
        assertThatThrownBy(() -> create.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(BackupCancelledException.class)
                .hasMessageContaining("cancelled")
                .hasMessageContaining("nothing was kept");
        assertThat(objects()).as("nothing left in the storage").isEmpty();
    }

    /** Everything in the backup folder but the filesystem storage's own lock file. */
    private List<String> objects() throws Exception {
        try (Stream<Path> files = Files.list(fx.backups)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".backup.lease.lock"))
                    .sorted()
                    .toList();
        }
    }

    private List<String> partials() throws Exception {
        return objects().stream().filter(n -> n.endsWith(".partial")).toList();
    }

    /** Starts {@code manager.create()} on a thread of its own, which it sets in {@code worker} to be interrupted. */
    private static CompletableFuture<CreateResult> createOnItsOwnThread(
            BackupManager manager, AtomicReference<Thread> worker) {
        return CompletableFuture.supplyAsync(
                () -> {
                    worker.set(Thread.currentThread());
                    return manager.create();
                },
                CancelCreateTest::thread);
    }

    private static void thread(Runnable r) {
        Thread t = new Thread(r, "test-create");
        t.setDaemon(true);
        t.start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
