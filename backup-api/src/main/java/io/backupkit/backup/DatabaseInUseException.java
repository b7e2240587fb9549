package io.backupkit.backup;

import java.util.List;

/**
 * The restore was refused, with nothing changed, because other sessions use the target database
 * (the host's connection pool, a console, a report). Stop them, or restore with {@link
 * RestoreOptions#terminatingSessions()} to have them ended first.
 */
public class DatabaseInUseException extends BackupException {
    private static final long serialVersionUID = 1L;
    /** One line per session: process id, user, application, state and since when. */
    private final List<String> sessions;

    /** {@code sessions} describe the other sessions, one line each. */
    public DatabaseInUseException(String message, List<String> sessions) {
        this(message, sessions, null);
    }

    /** With the cause that showed the sessions (a lock that was not granted, say). */
    public DatabaseInUseException(String message, List<String> sessions, Throwable cause) {
        super(message, cause);
        this.sessions = List.copyOf(sessions);
    }

    /** The other sessions, one line each: process id, user, application, state and since when. */
    public List<String> sessions() {
        return sessions;
    }
}
