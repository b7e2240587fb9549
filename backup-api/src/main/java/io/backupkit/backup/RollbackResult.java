package io.backupkit.backup;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link BackupManager#rollback} put back.
 *
 * @param putBack the kept-aside state that is live again
 * @param duration how long it took
 * @param warnings what a forced rollback threw away (what the host wrote since the restore, or that
 *     it could not be told), one sentence each; empty when nothing was lost
 */
public record RollbackResult(KeptAside putBack, Duration duration, List<String> warnings) {
    /** Requires both. */
    public RollbackResult {
        Objects.requireNonNull(putBack, "putBack");
        Objects.requireNonNull(duration, "duration");
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A rollback that lost nothing. */
    public RollbackResult(KeptAside putBack, Duration duration) {
        this(putBack, duration, List.of());
    }
}
