package io.backupkit.backup;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link BackupManager#verify}.
 *
 * @param backup the backup checked
 * @param deep whether the stored bytes were downloaded and their digests (and decryption) checked
 * @param problems what is wrong, one line each; empty when the backup is sound
 */
public record VerifyResult(BackupInfo backup, boolean deep, List<String> problems) {
    /** Copies the problems. */
    public VerifyResult {
        Objects.requireNonNull(backup, "backup");
        problems = List.copyOf(problems);
    }

    /** Whether no problem was found. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
