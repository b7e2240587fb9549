package io.backupkit.backup;

/**
 * How to roll back to the state the last restore kept aside.
 *
 * @param terminateSessions end the other sessions on the database first, instead of refusing while
 *     there are any (the default)
 */
public record RollbackOptions(boolean terminateSessions) {
    /** Refuses while other sessions use the database. */
    public static RollbackOptions defaults() {
        return new RollbackOptions(false);
    }

    /** Ends the other sessions on the database (the host's pool) before putting the old state back. */
    public RollbackOptions terminatingSessions() {
        return new RollbackOptions(true);
    }
}
