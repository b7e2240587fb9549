package io.backupkit.backup.db.postgres;

import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the dump into a tool's stdin, and, when given a file, into that file too. The file gets the
 * whole dump even when the tool stops reading early (pg_restore of some sections needs no more).
 */
final class DumpFeeder implements Runnable {
    private final DumpSource source;
    private final NativeProcess tool;
    private final Path copy;
    private volatile boolean stopped;
    volatile IOException readError;
    volatile IOException copyError;

    /** {@code copy} may be null: then nothing is written but the tool's stdin. */
    DumpFeeder(DumpSource source, NativeProcess tool, Path copy) {
        this.source = source;
        this.tool = tool;
        this.copy = copy;
    }

    /** Starts feeding on a daemon thread of its own. */
    Thread start(String threadName) {
        Thread t = new Thread(this, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Makes the feeder stop at its next buffer (the tool failed: the rest is not needed). */
    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        byte[] buf = new byte[1 << 16];
        OutputStream out = tool.stdin();
        boolean toolReads = true;
        OutputStream file = null;
        try (InputStream in = source.open()) {
            file = copy == null ? null : Files.newOutputStream(copy);
            int n;
            while (!stopped && (n = in.read(buf)) >= 0) {
                if (file != null) {
                    writeCopy(file, buf, n);
                }
                if (toolReads) {
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException e) {
                        toolReads = false; // the tool is done or gone; its exit code tells which
                        if (file == null) {
                            return;
                        }
                    }
                }
            }
        } catch (CopyFailed e) {
            copyError = e.cause;
            tool.kill();
        } catch (IOException | RuntimeException e) {
            readError = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            tool.kill();
        } finally {
            closeQuietly(out);
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    if (copyError == null && readError == null) {
                        copyError = e;
                    }
                }
            }
        }
    }

    private static void writeCopy(OutputStream file, byte[] buf, int n) {
        try {
            file.write(buf, 0, n);
        } catch (IOException e) {
            throw new CopyFailed(e);
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the tool closed its stdin first
        }
    }

    /** Writing the copy failed (as opposed to reading the dump). */
    private static final class CopyFailed extends RuntimeException {
        final IOException cause;

        CopyFailed(IOException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }
}
