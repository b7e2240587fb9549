package io.backupkit.backup;

import java.util.List;

/**
 * The outcome of {@link BackupManager#prune}.
 *
 * @param kept complete backups kept, newest first
 * @param deleted complete backups deleted (or that would be, on a dry run), newest first
 * @param leftovers objects of incomplete backups deleted (or that would be)
 * @param dryRun whether nothing was actually deleted
 */
public record PruneResult(List<BackupInfo> kept, List<BackupInfo> deleted, List<String> leftovers, boolean dryRun) {
    /** Copies the lists. */
    public PruneResult {
        kept = List.copyOf(kept);
        deleted = List.copyOf(deleted);
        leftovers = List.copyOf(leftovers);
    }
}
