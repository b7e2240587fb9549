package io.backupkit.backup;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link BackupManager#restore}.
 *
 * @param restored the backup that is now in place
 * @param safetyBackup the {@code pre-restore} backup taken first, if any
 * @param databaseRestored whether the database was replaced
 * @param mediaRestored whether the media folder was replaced
 * @param duration how long it took
 */
public record RestoreResult(
        BackupInfo restored,
        Optional<BackupInfo> safetyBackup,
        boolean databaseRestored,
        boolean mediaRestored,
        Duration duration) {
    /** Requires the restored backup, the safety backup (may be empty) and the duration. */
    public RestoreResult {
        Objects.requireNonNull(restored, "restored");
        Objects.requireNonNull(safetyBackup, "safetyBackup");
        Objects.requireNonNull(duration, "duration");
    }
}
