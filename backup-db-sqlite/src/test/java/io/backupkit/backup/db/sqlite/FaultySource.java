package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.tck.fixtures.ForwardingDumpSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A dump source that misbehaves after {@code limit} bytes: it stalls (until interrupted, after
 * running {@code onStall}) or fails with an {@link IOException}; or its commit gate fails.
 */
final class FaultySource extends ForwardingDumpSource {
    enum Fault {
        STALL,
        FAIL,
        GATE
    }

    private final long limit;
    private final Fault fault;
    private final Runnable onStall;

    FaultySource(DumpSource delegate, long limit, Fault fault, Runnable onStall) {
        super(delegate);
        this.limit = limit;
        this.fault = fault;
        this.onStall = onStall;
    }

    @Override
    public InputStream open() throws IOException {
        if (fault == Fault.GATE) {
            return super.open();
        }
        return new FilterInputStream(super.open()) {
            long read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= limit) {
                    if (fault == Fault.FAIL) {
                        throw new IOException("injected read failure after " + read + " bytes");
                    }
                    onStall.run();
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while stalled");
                    }
                }
                int n = super.read(b, off, (int) Math.min(len, limit - read));
                read += Math.max(0, n);
                return n;
            }
        };
    }

    @Override
    public void beforeCommit() {
        if (fault == Fault.GATE) {
            throw new IllegalStateException("injected: the media part of the restore failed");
        }
    }
}
