package io.backupkit.backup.db.postgres;

import java.util.Locale;

/**
 * Internal: why talking to PostgreSQL failed, from a JDBC SQLSTATE or a tool's stderr, with the
 * sentence that tells the user what to do.
 */
enum PgFailure {
    WRONG_PASSWORD,
    NO_PASSWORD,
    UNKNOWN_DATABASE,
    UNKNOWN_ROLE,
    NOT_ALLOWED_BY_HBA,
    NO_PERMISSION,
    SERVER_DOWN,
    TOOL_VERSION_MISMATCH,
    DISK_FULL,
    OTHER;

    /** From a JDBC SQLSTATE and message. */
    static PgFailure fromSqlState(String sqlState, String message) {
        String state = sqlState == null ? "" : sqlState;
        String msg = message == null ? "" : message.toLowerCase(Locale.ROOT);
        switch (state) {
            case "28P01":
                return WRONG_PASSWORD;
            case "3D000":
                return UNKNOWN_DATABASE;
            case "42501":
                return NO_PERMISSION;
            case "53100":
                return DISK_FULL;
            case "28000":
                if (msg.contains("pg_hba.conf")) {
                    return NOT_ALLOWED_BY_HBA;
                }
                if (msg.contains("role") && msg.contains("does not exist")) {
                    return UNKNOWN_ROLE;
                }
                if (msg.contains("permission denied")) {
                    return NO_PERMISSION;
                }
                return WRONG_PASSWORD;
            default:
                break;
        }
        if (msg.contains("password") && (msg.contains("no password") || msg.contains("was not provided"))) {
            return NO_PASSWORD;
        }
        if (state.startsWith("08") && !msg.contains("invalid")) { // "invalid sslmode value" is no server problem
            return SERVER_DOWN;
        }
        return fromText(msg);
    }

    /** The tool could not log in: nothing it was given was run. */
    boolean loginFailed() {
        return switch (this) {
            case WRONG_PASSWORD, NO_PASSWORD, UNKNOWN_DATABASE, UNKNOWN_ROLE, NOT_ALLOWED_BY_HBA, SERVER_DOWN -> true;
            case NO_PERMISSION, TOOL_VERSION_MISMATCH, DISK_FULL, OTHER -> false;
        };
    }

    /** From a native tool's stderr. */
    static PgFailure fromToolOutput(String stderr) {
        return fromText(stderr == null ? "" : stderr.toLowerCase(Locale.ROOT));
    }

    private static PgFailure fromText(String s) {
        if (s.contains("password authentication failed")) {
            return WRONG_PASSWORD;
        }
        if (s.contains("no password supplied") || s.contains("password is required")) {
            return NO_PASSWORD;
        }
        if (s.contains("database \"") && s.contains("does not exist")) {
            return UNKNOWN_DATABASE;
        }
        if (s.contains("role \"") && s.contains("does not exist")) {
            return UNKNOWN_ROLE;
        }
        if (s.contains("pg_hba.conf")) {
            return NOT_ALLOWED_BY_HBA;
        }
        if (s.contains("no space left on device") || s.contains("could not extend file")) {
            return DISK_FULL;
        }
        if (s.contains("server version mismatch")) {
            return TOOL_VERSION_MISMATCH;
        }
        if (s.contains("permission denied") || s.contains("must be owner") || s.contains("must be superuser")) {
            return NO_PERMISSION;
        }
        if (s.contains("connection refused")
                || s.contains("could not connect")
                || s.contains("could not translate host name")
                || s.contains("no route to host")
                || s.contains("timeout expired")
                || s.contains("the database system is starting up")
                || s.contains("the database system is shutting down")
                || (s.contains("connection to server") && s.contains("failed"))) {
            return SERVER_DOWN;
        }
        return OTHER;
    }

    /** One sentence naming the cause and the next step. */
    String explain(PgConnection c) {
        return switch (this) {
            case WRONG_PASSWORD -> "PostgreSQL at " + c.where() + " refused the password for user "
                    + c.userForMessages() + ": check the database password configured for that user";
            case NO_PASSWORD -> "PostgreSQL at " + c.where() + " asks for a password for user " + c.userForMessages()
                    + " but none is configured: configure the database password";
            case UNKNOWN_DATABASE -> "database \"" + c.database() + "\" does not exist on PostgreSQL at " + c.where()
                    + ": check the database name in the database URL";
            case UNKNOWN_ROLE -> "user " + c.userForMessages() + " does not exist on PostgreSQL at " + c.where()
                    + ": check the database user";
            case NOT_ALLOWED_BY_HBA -> "PostgreSQL at " + c.where() + " does not allow user " + c.userForMessages()
                    + " to connect to database \"" + c.database() + "\" from this host (pg_hba.conf): ask the DBA"
                    + " for an entry, or check the host and SSL settings in the database URL";
            case NO_PERMISSION -> "user " + c.userForMessages() + " lacks a privilege on database \"" + c.database()
                    + "\": use the database owner (or a role that may read and replace every object; see the"
                    + " option role)";
            case SERVER_DOWN -> "cannot connect to PostgreSQL at " + c.where()
                    + ": is the server running and accepting TCP/IP connections there? Check the host and port"
                    + " in the database URL";
            case TOOL_VERSION_MISMATCH -> "the PostgreSQL client tools are older than the server: install"
                    + " client tools of the server's major version or newer, or set the option bin_dir";
            case DISK_FULL -> "the disk of PostgreSQL at " + c.where() + " is full: free space there (a restore"
                    + " that keeps the old database aside needs room for both until the swap; one that replaces it"
                    + " in place does not)";
            case OTHER -> "PostgreSQL at " + c.where() + " reported an error";
        };
    }

    private static final int TAIL_IN_MESSAGE = 2000;

    /** An exit code as words: a signal, a timeout (negative), or the code. */
    static String exitText(int exit) {
        if (exit > 128 && exit < 160) {
            return "killed by signal " + (exit - 128);
        }
        return exit < 0 ? "timed out" : "exit code " + exit;
    }

    /** A tool's stderr tail for a message, cut to its last {@value #TAIL_IN_MESSAGE} characters. */
    static String shorten(String tail) {
        String t = tail == null ? "" : tail.strip();
        if (t.isEmpty()) {
            return "(nothing on stderr)";
        }
        return t.length() <= TAIL_IN_MESSAGE ? t : "..." + t.substring(t.length() - TAIL_IN_MESSAGE);
    }
}
