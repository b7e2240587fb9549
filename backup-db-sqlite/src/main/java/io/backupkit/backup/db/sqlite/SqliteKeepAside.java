package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DumpSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replaced database kept aside: the old file gets a second name, {@code .app.db.aside-<id>},
 * beside the live one (the same folder, so putting it back is one rename), and its path is the token
 * a rollback takes. A killed restore or rollback is told apart by the file's identity (device and
 * inode): {@code restore:<new file>:<aside>:<new file's id>} (the live file is the new one: the
 * swap happened) and {@code rollback:<aside>:<its id>} (the live file is the aside one: the rollback
 * happened).
 */
final class SqliteKeepAside {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteKeepAside.class);
    private static final String ASIDE = "aside-";
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern ASIDE_NAME = Pattern.compile("\\..+\\.aside-[A-Za-z0-9_]+");

    private final SqliteLocation location;
    private final SqliteSwap swap;

    SqliteKeepAside(SqliteLocation location, SqliteSwap swap) {
        this.location = location;
        this.swap = swap;
    }

    /** Why the live file cannot be kept aside, or empty (also when there is no live file to keep). */
    Optional<String> whyNot() {
        Path file = location.file();
        Path dir = file.getParent();
        if (!Files.isRegularFile(file) || !Files.isDirectory(dir)) {
            return Optional.empty(); // nothing to keep; the restore says what is wrong with the URL
        }
        if (!Files.isWritable(dir)) {
            return Optional.of("the folder " + dir + " of the SQLite database is not writable");
        }
        try {
            long need = Files.size(file) + sizeOf(location.wal());
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < need) {
                return Optional.of("the folder " + dir + " has " + megabytes(free) + " free, less than the "
                        + megabytes(need) + " a second copy of the database needs");
            }
        } catch (IOException e) {
            return Optional.of("cannot read the free space in " + dir + " (" + e + ")");
        }
        return Optional.empty();
    }

    /** Where the live file is kept aside as {@code id} (letters, digits and {@code _}). */
    Path asideFile(String id) {
        if (!SUFFIX.matcher(id).matches()) {
            throw new IllegalArgumentException("not a keep-aside id: " + id);
        }
        return location.file().resolveSibling("." + location.file().getFileName() + "." + ASIDE + id);
    }

    /** The recovery token of a restore that renames {@code staged} over the live file. */
    String restoreToken(Path staged, Path aside) throws IOException {
        return "restore:" + suffix(staged) + ":" + (aside == null ? "" : suffix(aside)) + ":" + identity(staged);
    }

    /** Puts the file kept aside as {@code token} back in the live one's place by one rename. */
    void rollback(String token, DumpSource context) {
        Path aside = Path.of(token);
        if (!isAsideOfThisDatabase(aside)) {
            throw new UnableToRestoreDatabaseException("the database file kept aside, " + aside
                    + ", was kept for another database than " + location.file()
                    + ": configure that database to roll back. Nothing was changed");
        }
        if (!Files.isRegularFile(aside)) {
            throw new UnableToRestoreDatabaseException(
                    "the database file kept aside, " + aside + ", is gone: cannot roll back. Nothing was changed");
        }
        swap.checkTarget();
        try {
            swap.settle(aside);
            context.recoveryPoint("rollback:" + suffix(aside) + ":" + identity(aside));
            context.beforeCommit();
            swap.commit(aside, null);
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException(
                    "Cannot put the SQLite database kept aside, " + aside + ", back in place of " + location.file()
                            + ": " + e + ". Nothing was changed.",
                    e);
        }
        LOG.info("SQLite database {} rolled back to the file kept aside as {}", location.file(), aside);
    }

    /** Deletes the file kept aside as {@code token}; a token that names no such file is left alone. */
    void drop(String token) {
        Path aside = Path.of(token);
        if (aside.getFileName() == null
                || !ASIDE_NAME.matcher(aside.getFileName().toString()).matches()) {
            LOG.warn("Not deleting {}: it is not a SQLite database file kept aside by a restore", aside);
            return;
        }
        LeftoverFiles.delete(aside);
    }

    /** Finishes or undoes a restore or rollback from its token; see the class comment. */
    boolean recover(String token, boolean committing) {
        String[] p = token.split(":", 4);
        try {
            if (p.length == 4 && p[0].equals("restore")) {
                Path staged = sibling(p[1]);
                if (isLive(p[3], staged, committing)) {
                    return true;
                }
                LeftoverFiles.delete(staged);
                if (!p[2].isEmpty()) {
                    LeftoverFiles.delete(sibling(p[2])); // made by the swap that did not happen
                }
                return false;
            }
            if (p.length == 3 && p[0].equals("rollback")) {
                Path aside = sibling(p[1]);
                if (isLive(p[2], aside, committing)) {
                    return true;
                }
                if (!committing) {
                    return false;
                }
                if (!Files.isRegularFile(aside)) {
                    throw new IOException("the file kept aside, " + aside + ", is gone, and the database file is"
                            + " not it: check the database");
                }
                swap.settle(aside);
                swap.commit(aside, null); // past its commit gate a rollback is finished
                return true;
            }
        } catch (IOException | BackupException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot finish the interrupted " + p[0] + " of the SQLite database " + location.file() + " ("
                            + e.getMessage() + "): close the connections to it, then run the restore or rollback again",
                    e);
        }
        throw new UnableToRestoreDatabaseException("an interrupted restore of the SQLite database " + location.file()
                + " left a token this version cannot read (" + token + "): check the database, then restore again");
    }

    /**
     * Whether the live file is the one {@code renamed} was (identity {@code id}); where files have no
     * identity, whether {@code renamed} is gone past the commit gate.
     */
    private boolean isLive(String id, Path renamed, boolean committing) throws IOException {
        if (id.isEmpty()) {
            return committing && !Files.exists(renamed);
        }
        try {
            return id.equals(identity(location.file()));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private boolean isAsideOfThisDatabase(Path aside) {
        return aside.isAbsolute()
                && location.file().getParent().equals(aside.getParent())
                && aside.getFileName()
                        .toString()
                        .startsWith("." + location.file().getFileName() + "." + ASIDE);
    }

    /** What follows {@code .app.db.} in the name of one of the database's own files. */
    private String suffix(Path own) {
        String prefix = "." + location.file().getFileName() + ".";
        String name = own.getFileName().toString();
        if (!name.startsWith(prefix)
                || !SUFFIX.matcher(name.substring(prefix.length())).matches()) {
            throw new IllegalArgumentException(own + " is not a file of the dumper beside " + location.file());
        }
        return name.substring(prefix.length());
    }

    private Path sibling(String suffix) throws IOException {
        if (!SUFFIX.matcher(suffix).matches()) {
            throw new IOException("the recovery token names '" + suffix + "', not a file of the dumper");
        }
        return location.file().resolveSibling("." + location.file().getFileName() + "." + suffix);
    }

    /** The file's device and inode where the file system has them, else empty. */
    static String identity(Path file) throws IOException {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key == null ? "" : key.toString().replace(':', '_');
    }

    private static long sizeOf(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", (bytes + (1 << 20) - 1) >> 20);
    }
}
