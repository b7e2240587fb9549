package io.backupkit.backup.db.mysql;

import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.tck.fixtures.ForwardingDumpSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A dump source whose first stream (the dumper's header check) is whole and whose later streams stop
 * at {@code at} bytes and run {@code midway} before each read from there on: a test acts while the
 * client is in the middle of loading.
 */
final class MidwaySource extends ForwardingDumpSource {
    /** What a test does in the middle of a restore. */
    @FunctionalInterface
    interface Midway {
        void run() throws IOException;
    }

    private final long at;
    private final Midway midway;
    private int opens;

    MidwaySource(DumpSource delegate, long at, Midway midway) {
        super(delegate);
        this.at = at;
        this.midway = midway;
    }

    @Override
    public InputStream open() throws IOException {
        InputStream in = super.open();
        if (++opens == 1) {
            return in; // the header check
        }
        return new FilterInputStream(in) {
            private long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= at) {
                    midway.run();
                }
                int n = super.read(b, off, (int) Math.min(len, Math.max(1, at - read)));
                read += Math.max(n, 0);
                return n;
            }
        };
    }
}
