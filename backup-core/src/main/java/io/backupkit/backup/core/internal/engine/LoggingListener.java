package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener of a manager built without one. A warning has one voice: the host's listener when
 * there is one, else this, which logs it at WARN (logger {@code io.backupkit.backup}).
 */
final class LoggingListener implements BackupListener {
    static final LoggingListener INSTANCE = new LoggingListener();
    private static final Logger LOG = LoggerFactory.getLogger("io.backupkit.backup");

    private LoggingListener() {}

    @Override
    public void warning(String message) {
        LOG.warn(message);
    }
}
