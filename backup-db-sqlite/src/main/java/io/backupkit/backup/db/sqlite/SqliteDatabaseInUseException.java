package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.DatabaseInUseException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A restore was refused before anything changed because other connections have the SQLite database
 * open or locked: a restore replaces the file, and a connection left open would go on using the old
 * one. {@link #holders()} (the same as {@link #sessions()}) names the processes found (empty when
 * only a lock showed it).
 */
public final class SqliteDatabaseInUseException extends DatabaseInUseException {
    private static final long serialVersionUID = 1L;
    private final Path database;
    private final List<String> holders;

    SqliteDatabaseInUseException(Path database, List<String> holders, String message, Throwable cause) {
        super(message, holders, cause);
        this.database = Objects.requireNonNull(database, "database");
        this.holders = List.copyOf(holders);
    }

    /** The database file. */
    public Path database() {
        return database;
    }

    /** The processes that have it open, e.g. {@code pid 4242 (java) has app.db open}. */
    public List<String> holders() {
        return holders;
    }
}
