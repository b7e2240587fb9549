package io.backupkit.backup.db.postgres;

import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams the dump into a tool's stdin; a read failure kills the tool and is kept for the message. */
final class DumpFeeder implements Runnable {
    private final DumpSource source;
    private final NativeProcess tool;
    private volatile boolean stopped;
    volatile IOException readError;

    DumpFeeder(DumpSource source, NativeProcess tool) {
        this.source = source;
        this.tool = tool;
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
        try (InputStream in = source.open()) {
            int n;
            while (!stopped && (n = in.read(buf)) >= 0) {
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    return; // the tool is gone; its exit code tells why
                }
            }
        } catch (IOException | RuntimeException e) {
            readError = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            tool.kill();
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                // the tool closed its stdin first
            }
        }
    }
}
