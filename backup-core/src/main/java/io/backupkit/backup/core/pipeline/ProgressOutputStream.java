package io.backupkit.backup.core.pipeline;

import io.backupkit.backup.Phase;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.function.ObjLongConsumer;

/**
 * Counts source bytes and reports them about every MiB; fails with {@link InterruptedIOException}
 * once its thread is interrupted, so a cancelled create stops writing promptly.
 */
public final class ProgressOutputStream extends FilterOutputStream {
    private static final long STEP = 1 << 20;
    private final Phase phase;
    private final ObjLongConsumer<Phase> progress;
    private long count;
    private long reported;

    public ProgressOutputStream(OutputStream target, Phase phase, ObjLongConsumer<Phase> progress) {
        super(target);
        this.phase = phase;
        this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        advance(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        advance(len);
    }

    private void advance(long n) throws InterruptedIOException {
        count += n;
        if (count - reported >= STEP) {
            reported = count;
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("cancelled");
            }
            progress.accept(phase, count);
        }
    }

    public long count() {
        return count;
    }
}
