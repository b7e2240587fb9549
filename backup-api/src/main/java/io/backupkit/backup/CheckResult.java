package io.backupkit.backup;

import java.util.List;

/**
 * What {@link BackupManager#check()} found fit for a backup, and what works now but deserves a look.
 *
 * @param checked one line per part that passed (database, media folder, storage, encryption)
 * @param warnings what does not stop a backup today (for example a media folder not created yet)
 */
public record CheckResult(List<String> checked, List<String> warnings) {
    /** Copies both lists. */
    public CheckResult {
        checked = List.copyOf(checked);
        warnings = List.copyOf(warnings);
    }
}
