package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.UnableToRestoreDatabaseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a staged database file in the place of the live one with one {@code rename}, so that a reader
 * sees either the old database or the new one, and a failure or a kill before the rename leaves the
 * old one as it was.
 *
 * <p>Before the rename the old database is made self-contained: its WAL is checkpointed into the file
 * (or a hot journal rolled back) by a connection that then closes, and the leftover {@code -wal},
 * {@code -shm} and {@code -journal} files are removed. Left in place, SQLite would replay the old
 * WAL or journal onto the new file. This is only safe when no other connection has the database
 * open, so the swap refuses, naming the holders, when any has. To keep the old database aside, it is
 * given a second name (a hard link) just before the rename, so it never leaves its place early.
 */
final class SqliteSwap {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteSwap.class);
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final byte[] JOURNAL_MAGIC = {
        (byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1, 0x63, (byte) 0xd7
    };

    private final SqliteLocation location;
    private final SqliteOptions options;

    SqliteSwap(SqliteLocation location, SqliteOptions options) {
        this.location = location;
        this.options = options;
    }

    /**
     * Refuses, before anything changes, a target that is not a SQLite database or that other
     * connections have open.
     */
    void checkTarget() {
        Path file = location.file();
        if (!Files.isDirectory(file.getParent())) {
            throw new UnableToRestoreDatabaseException("The folder of the SQLite database " + file
                    + " does not exist. Check the database URL, or create the folder. Nothing was changed.");
        }
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file)) {
                throw new UnableToRestoreDatabaseException(
                        "The database URL names " + file + ", which is not a regular file. Nothing was changed.");
            }
            if (!looksLikeSqlite(file)) {
                throw new UnableToRestoreDatabaseException("The file " + file + " is not a SQLite database, so the"
                        + " restore will not replace it. Check the database URL. Nothing was changed.");
            }
        }
        refuseHolders();
    }

    /**
     * Makes the old database self-contained, gives it the second name {@code aside} when that is not
     * null, then renames {@code staged} over it. When this throws, the rename did not happen and
     * {@code aside} was not made (or was removed again).
     */
    void commit(Path staged, Path aside) throws IOException {
        Path file = location.file();
        refuseHolders();
        boolean kept = false;
        try {
            if (Files.exists(file)) {
                fold(location);
                refuseHolders();
                removeSidecars(location);
                copyOwnership(file, staged);
                if (aside != null) {
                    keep(file, aside);
                    kept = true;
                }
            }
            Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            if (kept) {
                LeftoverFiles.delete(aside);
            }
            throw e;
        }
        syncFolder(file.getParent());
    }

    /**
     * Folds the WAL or hot journal a program that opened {@code database} (a file kept aside) may have
     * left beside it into it, so that it can become the live database by a rename.
     */
    void settle(Path database) throws IOException {
        SqliteLocation other = new SqliteLocation(database);
        if (Files.exists(other.wal()) || Files.exists(other.journal()) || Files.exists(other.shm())) {
            fold(other);
            removeSidecars(other);
        }
    }

    /** A second name for the old file: a hard link, or a copy where the file system has none. */
    private static void keep(Path file, Path aside) throws IOException {
        try {
            Files.createLink(aside, file);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            LOG.info("Cannot link {} to {} ({}); copying it instead", aside, file, e.toString());
            Files.copy(file, aside, StandardCopyOption.COPY_ATTRIBUTES);
            try (FileChannel ch = FileChannel.open(aside, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
    }

    static void syncFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Cannot sync the folder {} after a rename: {}", folder, e.toString());
        }
    }

    private void refuseHolders() {
        List<FileHolders.Holder> holders = FileHolders.of(location.withSidecars());
        if (holders.isEmpty()) {
            return;
        }
        List<String> names = holders.stream().map(FileHolders.Holder::toString).collect(Collectors.toList());
        boolean self = holders.stream().anyMatch(FileHolders.Holder::isThisProcess);
        throw new SqliteDatabaseInUseException(
                location.file(),
                names,
                "The SQLite database " + location.file() + " is in use: " + String.join("; ", names)
                        + ". A restore replaces the file, and a connection left open would keep using the old one."
                        + (self
                                ? " Close the application's connections to it (its connection pool) first,"
                                : " Stop those processes or close their connections first,")
                        + " then restore again. Nothing was changed.",
                null);
    }

    /**
     * Checkpoints the WAL into the file or rolls a hot journal back, and checks that no connection holds
     * a lock (waiting at most the busy timeout).
     */
    private void fold(SqliteLocation db) {
        try (Connection c = SqliteJdbc.open(db.file(), options.busyTimeout());
                Statement s = c.createStatement()) {
            // the first read opens the file: it rolls a hot journal back and learns the journal mode
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                rs.next();
            }
            String mode;
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                mode = rs.getString(1);
            }
            if ("wal".equalsIgnoreCase(mode)) {
                try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    rs.next();
                    if (rs.getInt(1) != 0) {
                        throw busy(null);
                    }
                }
            }
            s.execute("BEGIN EXCLUSIVE");
            s.execute("COMMIT");
        } catch (SQLException e) {
            int code = e.getErrorCode() & 0xff;
            if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
                throw busy(e);
            }
            throw new UnableToRestoreDatabaseException(
                    "Cannot prepare the SQLite database " + db.file() + " to be replaced: " + e.getMessage()
                            + ". Nothing was changed.",
                    e);
        }
    }

    private SqliteDatabaseInUseException busy(SQLException cause) {
        List<String> names = FileHolders.of(location.withSidecars()).stream()
                .map(FileHolders.Holder::toString)
                .collect(Collectors.toList());
        return new SqliteDatabaseInUseException(
                location.file(),
                names,
                "The SQLite database " + location.file() + " stayed locked by another connection for longer than "
                        + options.busyTimeoutKey() + " ("
                        + options.busyTimeout().toSeconds() + "s)"
                        + (names.isEmpty() ? "" : ": " + String.join("; ", names))
                        + ". Stop the application (or close its connections to the database), then restore"
                        + " again. Nothing was changed.",
                cause);
    }

    /**
     * Removes the old database's {@code -wal}, {@code -shm} and {@code -journal} once it is
     * self-contained; refuses if one still holds work (another connection got in).
     */
    private void removeSidecars(SqliteLocation db) throws IOException {
        Path wal = db.wal();
        if (Files.exists(wal) && Files.size(wal) > 0) {
            throw busy(null);
        }
        Path journal = db.journal();
        if (Files.exists(journal) && isHotJournal(journal)) {
            throw busy(null);
        }
        Files.deleteIfExists(wal);
        Files.deleteIfExists(db.shm());
        Files.deleteIfExists(journal);
    }

    private static boolean isHotJournal(Path journal) throws IOException {
        try (InputStream in = Files.newInputStream(journal)) {
            byte[] head = in.readNBytes(JOURNAL_MAGIC.length);
            return Arrays.equals(head, JOURNAL_MAGIC);
        }
    }

    static boolean looksLikeSqlite(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(SqliteDumpFormat.SQLITE_HEADER.length);
            // an empty file is an empty SQLite database
            return head.length == 0 || Arrays.equals(head, SqliteDumpFormat.SQLITE_HEADER);
        } catch (IOException e) {
            return false;
        }
    }

    /** Gives the new file the old one's permission bits, and its owner where this process may. */
    private static void copyOwnership(Path from, Path to) {
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (target == null) {
            return;
        }
        try {
            PosixFileAttributes old = Files.readAttributes(from, PosixFileAttributes.class);
            target.setPermissions(old.permissions());
            PosixFileAttributes now = target.readAttributes();
            if (!now.owner().equals(old.owner())) {
                target.setOwner(old.owner());
            }
            if (!now.group().equals(old.group())) {
                target.setGroup(old.group());
            }
        } catch (IOException | SecurityException e) {
            LOG.warn("The restored {} may not have the old file's owner or permissions: {}", from, e.toString());
        }
    }
}
