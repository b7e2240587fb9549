package io.backupkit.backup;

import java.util.Objects;

/** The outcome of {@link BackupManager#create}: the committed backup. */
public record CreateResult(BackupInfo backup) {
    public CreateResult {
        Objects.requireNonNull(backup, "backup");
    }

    public BackupId id() {
        return backup.id();
    }
}
