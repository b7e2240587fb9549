package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.BackupConfigurationException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The database file named by a {@code jdbc:sqlite:} URL, and the files SQLite keeps beside it.
 * Accepts {@code jdbc:sqlite:/path/app.db}, {@code jdbc:sqlite:relative.db} (resolved against the
 * working folder) and {@code jdbc:sqlite:file:/path/app.db?...}; query parameters are dropped (the
 * dumper opens the file with its own settings, so a URL's {@code journal_mode=...} never changes the
 * database). In-memory and class-path databases have no file to back up and are refused.
 */
record SqliteLocation(Path file) {
    static final String PREFIX = "jdbc:sqlite:";
    static final String URL_KEY = "database.url";

    static SqliteLocation of(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
            throw refused(jdbcUrl, "it does not start with " + PREFIX);
        }
        String rest = jdbcUrl.substring(PREFIX.length());
        boolean uri = rest.toLowerCase(Locale.ROOT).startsWith("file:");
        if (uri) {
            rest = rest.substring("file:".length());
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        if (uri) {
            if (rest.startsWith("//")) {
                int slash = rest.indexOf('/', 2);
                String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
                if (!authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
                    throw refused(jdbcUrl, "a file: URI with a host names no local file");
                }
                rest = slash < 0 ? "" : rest.substring(slash);
            }
            rest = URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        if (rest.isEmpty()
                || rest.startsWith(":memory:")
                || rest.toLowerCase(Locale.ROOT).startsWith("resource:")) {
            throw refused(jdbcUrl, "an in-memory or class-path database has no file to back up");
        }
        try {
            return new SqliteLocation(Path.of(rest).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw refused(jdbcUrl, "'" + rest + "' is not a file path");
        }
    }

    private static BackupConfigurationException refused(String url, String why) {
        return new BackupConfigurationException(
                URL_KEY,
                "The database URL " + url + " names no SQLite database file (" + why
                        + "). Use jdbc:sqlite:/path/to/app.db.");
    }

    /** The JDBC URL the dumper itself connects with: the plain file, no parameters. */
    String url() {
        return PREFIX + file;
    }

    Path wal() {
        return sibling("-wal");
    }

    Path shm() {
        return sibling("-shm");
    }

    Path journal() {
        return sibling("-journal");
    }

    /** The database file and the files SQLite keeps beside it. */
    List<Path> withSidecars() {
        return List.of(file, wal(), shm(), journal());
    }

    Path sibling(String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
