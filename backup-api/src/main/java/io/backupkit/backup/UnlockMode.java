package io.backupkit.backup;

/** Which storage lease {@link BackupManager#unlock} removes. */
public enum UnlockMode {
    /** Only a lease whose holder is known to be gone: it expired, or its process ended on this host. */
    IF_STALE,
    /** Whoever holds it: only when you are sure that operation no longer runs. */
    FORCE
}
