package io.backupkit.backup;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link BackupManager#delete}.
 *
 * @param id the backup deleted
 * @param objects the object names removed (manifest first, so the set stops being visible at once)
 */
public record DeleteResult(BackupId id, List<String> objects) {
    /** Copies the object names. */
    public DeleteResult {
        Objects.requireNonNull(id, "id");
        objects = List.copyOf(objects);
    }
}
