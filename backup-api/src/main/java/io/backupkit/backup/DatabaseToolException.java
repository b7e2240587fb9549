package io.backupkit.backup;

/**
 * A native database tool (pg_dump, mariadb-dump, ...) is missing, too old for the server, or cannot
 * read the backup. Thrown before anything is written or changed.
 */
public final class DatabaseToolException extends UnableToDumpDatabaseException {
    private static final long serialVersionUID = 1L;
    private final String tool;

    public DatabaseToolException(String tool, String message) {
        super(message);
        this.tool = tool;
    }

    public DatabaseToolException(String tool, String message, Throwable cause) {
        super(message, cause);
        this.tool = tool;
    }

    public String tool() {
        return tool;
    }
}
