package io.backupkit.backup;

/**
 * A native database tool (pg_dump, mariadb-dump, ...) is missing, too old for the server, or cannot
 * read the backup. Thrown before anything is written or changed.
 */
public final class DatabaseToolException extends UnableToDumpDatabaseException {
    private static final long serialVersionUID = 1L;
    /** The tool's name. */
    private final String tool;

    /** The native tool {@code tool} (e.g. {@code pg_dump}) is missing, unfit or failed. */
    public DatabaseToolException(String tool, String message) {
        super(message);
        this.tool = tool;
    }

    /** The native tool {@code tool} (e.g. {@code pg_dump}) could not be run, as {@code cause} tells. */
    public DatabaseToolException(String tool, String message, Throwable cause) {
        super(message, cause);
        this.tool = tool;
    }

    /** The tool's name, e.g. {@code pg_dump} or {@code mariadb-dump}. */
    public String tool() {
        return tool;
    }
}
