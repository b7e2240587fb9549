package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.Phase;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a {@link BackupListener}, logging and ignoring what it throws, and reports progress about every MiB. */
final class SafeListener {
    private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);
    static final long PROGRESS_STEP = 1L << 20;

    private final BackupListener listener;
    private final Phase phase;
    private long nextProgress = PROGRESS_STEP;

    SafeListener(BackupListener listener, Phase phase) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.phase = Objects.requireNonNull(phase, "phase");
    }

    /** Starts counting again from zero. */
    void reset() {
        nextProgress = PROGRESS_STEP;
    }

    /** Reports {@code bytesDone} when it crossed the next MiB boundary since the last report. */
    void bytes(long bytesDone) {
        if (bytesDone >= nextProgress) {
            nextProgress = (bytesDone / PROGRESS_STEP + 1) * PROGRESS_STEP;
            progress(bytesDone);
        }
    }

    void progress(long bytesDone) {
        try {
            listener.progress(phase, bytesDone);
        } catch (RuntimeException e) {
            LOG.warn("Backup listener failed on progress; ignored", e);
        }
    }

    /** Throws {@link BackupCancelledException} when the current thread was interrupted (cooperative cancel). */
    static void checkCancelled(String what) {
        if (Thread.currentThread().isInterrupted()) {
            throw new BackupCancelledException(what + " was cancelled (its thread was interrupted)", null);
        }
    }

    /** Whether an I/O failure is really a cancellation (an interrupted thread or channel). */
    static boolean isCancellation(java.io.IOException e) {
        return e instanceof java.nio.channels.ClosedByInterruptException
                || e instanceof java.io.InterruptedIOException
                || Thread.currentThread().isInterrupted();
    }

    void warning(String message) {
        try {
            listener.warning(message);
        } catch (RuntimeException e) {
            LOG.warn("Backup listener failed on warning; ignored", e);
        }
    }
}
