package io.backupkit.backup;

import java.util.Objects;

/** The outcome of {@link BackupManager#create}: the committed backup. */
public record CreateResult(BackupInfo backup) {
    /** Requires the backup. */
    public CreateResult {
        Objects.requireNonNull(backup, "backup");
    }

    /** The id of the backup just made. */
    public BackupId id() {
        return backup.id();
    }
}
