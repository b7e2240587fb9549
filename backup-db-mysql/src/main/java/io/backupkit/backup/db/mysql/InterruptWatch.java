package io.backupkit.backup.db.mysql;

import io.backupkit.backup.spi.support.NativeProcess;
import java.util.concurrent.TimeUnit;

/**
 * Kills a tool as soon as the calling thread is interrupted, even while that thread blocks in a
 * read from or a write to the tool's pipes (which do not react to interrupts). Ends with the tool.
 */
final class InterruptWatch implements AutoCloseable {
    private final Thread watcher;
    private volatile boolean done;

    InterruptWatch(NativeProcess p) {
        Thread caller = Thread.currentThread();
        Process process = p.process();
        this.watcher = new Thread(
                () -> {
                    try {
                        while (!done && process.isAlive()) {
                            if (caller.isInterrupted()) {
                                process.destroyForcibly();
                                return;
                            }
                            process.waitFor(100, TimeUnit.MILLISECONDS);
                        }
                    } catch (InterruptedException e) {
                        // closed
                    }
                },
                "mysql-dumper-watch-" + process.pid());
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public void close() {
        done = true;
        watcher.interrupt();
    }
}
