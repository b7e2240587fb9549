package io.backupkit.backup.db.postgres;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.spi.DumpSource;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A dump whose stream pauses after {@code pauseAt} bytes until {@link #release()}, so a test can act
 * (kill a tool, look at {@code ps}) while the restore is in the middle.
 */
final class BlockingDumpSource implements DumpSource {
    private final byte[] dump;
    private final long pauseAt;
    private final Path workDir;
    private final DatabaseInfo info;
    final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    BlockingDumpSource(byte[] dump, long pauseAt, Path workDir, DatabaseInfo info) {
        this.dump = dump;
        this.pauseAt = pauseAt;
        this.workDir = workDir;
        this.info = info;
    }

    void release() {
        released.countDown();
    }

    @Override
    public InputStream open() {
        return new FilterInputStream(new ByteArrayInputStream(dump)) {
            private long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= pauseAt && paused.getCount() > 0) {
                    paused.countDown();
                    try {
                        if (!released.await(60, TimeUnit.SECONDS)) {
                            throw new IOException("test never released the dump stream");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
                int max = read < pauseAt ? (int) Math.min(len, pauseAt - read) : len;
                int n = super.read(b, off, max);
                if (n > 0) {
                    read += n;
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }
        };
    }

    @Override
    public Path toFile() throws IOException {
        Path f = workDir.resolve("dump.pgdump");
        Files.write(f, dump);
        return f;
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public DatabaseInfo info() {
        return info;
    }
}
