package io.backupkit.backup.cli;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.InvalidMediaPathException;

/** The exit codes of the {@code backup} tool. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int CORRUPT = 3;
    /** Cancelled (interrupted) without a signal; after SIGINT / SIGTERM the exit is 130 / 143. */
    static final int CANCELLED = 130;

    private ExitCodes() {}

    /** The exit code for an exception thrown by a command. */
    static int of(Throwable e) {
        if (e instanceof BackupConfigurationException
                || e instanceof UsageException
                || e instanceof InvalidMediaPathException) {
            return USAGE;
        }
        if (e instanceof BackupCancelledException) {
            return CANCELLED;
        }
        if (e instanceof CorruptBackupException) {
            return CORRUPT;
        }
        return FAILED;
    }
}
