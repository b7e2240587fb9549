package io.backupkit.backup;

import java.util.List;
import java.util.Objects;

/**
 * A rollback was refused, with nothing changed, because it would throw away what the host wrote to
 * the database or the media folder since the restore (or because that cannot be told). Check it, then
 * roll back with {@link RollbackOptions#forcing()} to lose it.
 */
public class RollbackWouldLoseDataException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** The backup whose restore kept the state aside. */
    private final String restored;
    /** What a rollback would lose, one sentence each. */
    private final List<String> lost;
    /** How the caller's surface forces a rollback. */
    private final String howToForce;

    /** {@code lost}: what would be lost, one sentence each; the message says to force with the API. */
    public RollbackWouldLoseDataException(String restored, List<String> lost) {
        this(restored, lost, "RollbackOptions.forcing()");
    }

    /** {@code howToForce}: how the caller's surface forces a rollback, e.g. a command line flag. */
    public RollbackWouldLoseDataException(String restored, List<String> lost, String howToForce) {
        super(message(restored, lost, howToForce));
        this.restored = Objects.requireNonNull(restored, "restored");
        this.lost = List.copyOf(lost);
        this.howToForce = Objects.requireNonNull(howToForce, "howToForce");
    }

    private static String message(String restored, List<String> lost, String howToForce) {
        return "rolling back to the state before the restore of " + restored
                + " would lose what was written since: " + String.join("; ", lost)
                + ". Nothing was changed. Check that it may go, then force the rollback (" + howToForce + ")";
    }

    /** The same refusal, naming how {@code howToForce} forces it (a surface's own words). */
    public RollbackWouldLoseDataException forcedWith(String howToForce) {
        RollbackWouldLoseDataException e = new RollbackWouldLoseDataException(restored, lost, howToForce);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The id of the backup whose restore would be undone. */
    public String restored() {
        return restored;
    }

    /** What would be lost, one sentence each. */
    public List<String> lost() {
        return lost;
    }

    /** How the rollback is forced on the surface that made this message. */
    public String howToForce() {
        return howToForce;
    }
}
