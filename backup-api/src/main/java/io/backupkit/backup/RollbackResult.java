package io.backupkit.backup;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link BackupManager#rollback} put back.
 *
 * @param putBack the kept-aside state that is live again
 * @param duration how long it took
 */
public record RollbackResult(KeptAside putBack, Duration duration) {
    /** Requires both. */
    public RollbackResult {
        Objects.requireNonNull(putBack, "putBack");
        Objects.requireNonNull(duration, "duration");
    }
}
