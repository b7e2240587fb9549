package io.backupkit.backup;

/**
 * How to roll back to the state the last restore kept aside.
 *
 * @param terminateSessions end the other sessions on the database first, instead of refusing while
 *     there are any (the default)
 * @param force roll back even when the host wrote to the database or the media folder since the
 *     restore, or when that cannot be told; what is lost is reported in {@link
 *     RollbackResult#warnings()}. Without it such a rollback is refused with {@link
 *     RollbackWouldLoseDataException}.
 */
public record RollbackOptions(boolean terminateSessions, boolean force) {
    /** Not forcing. */
    public RollbackOptions(boolean terminateSessions) {
        this(terminateSessions, false);
    }

    /** Refuses while other sessions use the database, and when it would lose what the host wrote since. */
    public static RollbackOptions defaults() {
        return new RollbackOptions(false, false);
    }

    /** Ends the other sessions on the database (the host's pool) before putting the old state back. */
    public RollbackOptions terminatingSessions() {
        return new RollbackOptions(true, force);
    }

    /** Rolls back even when that loses what the host wrote since the restore (or cannot tell). */
    public RollbackOptions forcing() {
        return new RollbackOptions(terminateSessions, true);
    }
}
