package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupCancelledException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The threads running a manager's operations, so that {@code close()} can cancel them: it
 * interrupts each (cancellation is interrupting the thread that runs the operation) and waits,
 * bounded, until they have cleaned up. After close, new operations are refused.
 */
final class RunningOperations {
    private final Map<Thread, Integer> running = new HashMap<>();
    private boolean closed;

    /**
     * Registers the calling thread for one operation; pair with {@link #leave()} in a finally.
     *
     * @throws IllegalStateException when the manager is closed
     * @throws BackupCancelledException when the thread is already interrupted (nothing was started)
     */
    synchronized void enter(String what) {
        if (closed) {
            throw new IllegalStateException("this BackupManager is closed; build a new one to " + what);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new BackupCancelledException(
                    "the " + what
                            + " was cancelled before it started (its thread was interrupted); nothing was changed",
                    null);
        }
        running.merge(Thread.currentThread(), 1, Integer::sum);
    }

    synchronized void leave() {
        running.computeIfPresent(Thread.currentThread(), (t, n) -> n == 1 ? null : n - 1);
        notifyAll();
    }

    /**
     * Refuses new operations, interrupts the running ones (except the caller's own) and waits up to
     * {@code timeout} until they have ended.
     *
     * @return true when none is left running
     */
    synchronized boolean closeAndAwait(Duration timeout) {
        closed = true;
        Thread self = Thread.currentThread();
        running.keySet().stream().filter(t -> t != self).forEach(Thread::interrupt);
        long end = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (running.keySet().stream().anyMatch(t -> t != self)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true; // a second request to stop: stop waiting
                    return false;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                self.interrupt();
            }
        }
    }
}
