package io.backupkit.backup;

/** Whether {@link BackupManager#prune} deletes or only reports what it would delete. */
public enum PruneMode {
    /** Delete what the policy does not keep. */
    APPLY,
    /** Delete nothing; the result lists what {@link #APPLY} would delete. */
    DRY_RUN
}
