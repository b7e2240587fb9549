package io.backupkit.backup.spi.support;

import java.sql.SQLException;
import java.util.List;

/**
 * A connection the host closed a moment ago stays listed by the server until its process or thread
 * has ended. Before a dumper calls the database in use, it looks again for a short while.
 */
public final class ClosingSessions {
    /** How long closing sessions are given to leave the server's list. */
    public static final long GRACE_MILLIS = 2000;

    private ClosingSessions() {}

    /** Lists the other sessions (throws what the query throws). */
    @FunctionalInterface
    public interface Lookup<T> {
        /** The sessions listed now. */
        List<T> find() throws SQLException;
    }

    /** {@code found}, or what {@code lookup} lists once they had time to close: empty when all left. */
    public static <T> List<T> settle(List<T> found, Lookup<T> lookup) throws SQLException {
        long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
        List<T> others = found;
        while (!others.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return others;
            }
            others = lookup.find();
        }
        return others;
    }
}
