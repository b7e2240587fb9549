package io.backupkit.backup.core.internal.archive;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Waiting for a pool whose tasks write files: nothing may still write once the caller goes on. */
public final class Pools {
    private Pools() {}

    /**
     * Waits up to {@code limit} for {@code pool} to terminate, through interrupts, which are kept for
     * the caller. Returns whether it terminated.
     */
    public static boolean awaitUninterruptibly(ExecutorService pool, Duration limit) {
        boolean interrupted = Thread.interrupted();
        long end = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                try {
                    return pool.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
