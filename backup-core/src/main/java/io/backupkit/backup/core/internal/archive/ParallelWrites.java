package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.BackupCancelledException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes that run on their own thread(s) while the extraction reads on: creating a small file costs several system
 * calls (open, write, close, chmod, times) that wait for the file system, and one thread doing them in turn
 * with the decompression made a folder of many small files slow to restore. At most {@code inFlight} writes
 * are pending (bounded memory); the first failure is thrown on the extraction's thread at the next {@link
 * #submit} or {@link #drain}, and later writes are skipped.
 */
final class ParallelWrites implements AutoCloseable {
    private final ExecutorService pool;
    private final Semaphore slots;
    private final int inFlight;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    ParallelWrites(int threads, int inFlight) {
        this.inFlight = inFlight;
        this.slots = new Semaphore(inFlight);
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "media-extract-write");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code write} on a writer thread; waits while {@code inFlight} writes are pending. */
    void submit(Runnable write) {
        rethrow();
        acquire(1);
        try {
            pool.execute(() -> {
                try {
                    if (failure.get() == null) {
                        write.run();
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } catch (Error e) {
                    failure.compareAndSet(null, new IllegalStateException(e.toString(), e));
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /** Waits until every write submitted is done; throws the first failure. */
    void drain() {
        acquire(inFlight);
        slots.release(inFlight);
        rethrow();
    }

    /** The first failure of a write, if any. */
    RuntimeException failure() {
        return failure.get();
    }

    private void rethrow() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    private void acquire(int n) {
        try {
            slots.acquire(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException("Extracting the media archive was cancelled", e);
        }
    }

    /** Stops the threads once the pending writes are done (even when interrupted: nothing may write after). */
    @Override
    public void close() {
        pool.shutdown();
        if (!Pools.awaitUninterruptibly(pool, Duration.ofSeconds(60))) {
            throw new IllegalStateException("media writes did not finish within 60 s");
        }
    }
}
