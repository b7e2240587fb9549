package io.backupkit.backup.core.internal.pipeline;

import io.backupkit.backup.Phase;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;

/**
 * Counts source bytes and reports them about every MiB; fails with {@link InterruptedIOException}
 * at the next write once {@code cancelled} says so (or its thread is interrupted), so a cancelled
 * create stops its producer cooperatively: an in-process database such as H2 must not be
 * interrupted in the middle of its own file I/O.
 */
public final class ProgressOutputStream extends FilterOutputStream {
    private static final long STEP = 1 << 20;
    private final Phase phase;
    private final ObjLongConsumer<Phase> progress;
    private final BooleanSupplier cancelled;
    private long count;
    private long reported;

    public ProgressOutputStream(
            OutputStream target, Phase phase, ObjLongConsumer<Phase> progress, BooleanSupplier cancelled) {
        super(target);
        this.phase = phase;
        this.progress = progress;
        this.cancelled = cancelled;
    }

    @Override
    public void write(int b) throws IOException {
        checkCancelled();
        out.write(b);
        advance(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkCancelled();
        out.write(b, off, len);
        advance(len);
    }

    /** The hints of the target, which this stream writes to without buffering; or {@code null}. */
    CompressionHints hints() {
        return CompressionHints.of(out);
    }

    private void checkCancelled() throws InterruptedIOException {
        if (cancelled.getAsBoolean()) {
            throw new InterruptedIOException("the backup was cancelled");
        }
    }

    private void advance(long n) throws InterruptedIOException {
        count += n;
        if (count - reported >= STEP) {
            reported = count;
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("the backup was cancelled");
            }
            progress.accept(phase, count);
        }
    }

    public long count() {
        return count;
    }
}
