package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.UnableToDumpDatabaseException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A dump could not start because another connection kept the SQLite database locked (a write
 * transaction in rollback-journal mode) for longer than the busy timeout. Nothing was written.
 * {@link #holders()} names the processes that have it open, where they can be found.
 */
public final class SqliteDatabaseBusyException extends UnableToDumpDatabaseException {
    private static final long serialVersionUID = 1L;
    private final Path database;
    private final List<String> holders;

    SqliteDatabaseBusyException(Path database, List<String> holders, String message, Throwable cause) {
        super(message, cause);
        this.database = Objects.requireNonNull(database, "database");
        this.holders = List.copyOf(holders);
    }

    /** The database file. */
    public Path database() {
        return database;
    }

    /** The processes that have it open, e.g. {@code pid 4242 (python3) has app.db open}. */
    public List<String> holders() {
        return holders;
    }
}
