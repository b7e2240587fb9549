package io.backupkit.backup;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The outcome of {@link BackupManager#restoreMedia}: one media file or folder of a backup, written
 * to a folder of the caller's choosing.
 *
 * @param backup the backup it came from
 * @param mediaPath the path in the media folder, normalised ({@code attachments/x})
 * @param target the folder it was written into; it holds the file or folder under its own name
 * @param files files, links and FIFOs written
 * @param folders folders written
 * @param bytes bytes of file content written
 */
public record MediaRestoreResult(
        BackupInfo backup, String mediaPath, Path target, long files, long folders, long bytes) {
    /** Requires the backup, the path and the target. */
    public MediaRestoreResult {
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(mediaPath, "mediaPath");
        Objects.requireNonNull(target, "target");
    }
}
