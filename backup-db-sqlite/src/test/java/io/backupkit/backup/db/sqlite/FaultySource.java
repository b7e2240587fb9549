package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.spi.DumpSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;

/**
 * A dump source that misbehaves after {@code limit} bytes: it stalls (until interrupted, after
 * running {@code onStall}) or fails with an {@link IOException}; or its commit gate fails.
 */
final class FaultySource implements DumpSource {
    enum Fault {
        STALL,
        FAIL,
        GATE
    }

    private final DumpSource delegate;
    private final long limit;
    private final Fault fault;
    private final Runnable onStall;

    FaultySource(DumpSource delegate, long limit, Fault fault, Runnable onStall) {
        this.delegate = delegate;
        this.limit = limit;
        this.fault = fault;
        this.onStall = onStall;
    }

    @Override
    public InputStream open() throws IOException {
        if (fault == Fault.GATE) {
            return delegate.open();
        }
        return new FilterInputStream(delegate.open()) {
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

    @Override
    public Path toFile() throws IOException {
        return delegate.toFile();
    }

    @Override
    public Path workDir() {
        return delegate.workDir();
    }

    @Override
    public DatabaseInfo info() {
        return delegate.info();
    }
}
