package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DumpSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dumps and restores a SQLite database file.
 *
 * <p><b>Dump:</b> inside one read transaction, SQLite's online backup API copies the database page
 * for page into a 0600 spool file, which is then streamed with a SHA-256 end line ({@link
 * SqliteDumpFormat}) and deleted. The copy is that transaction's snapshot: in WAL mode the host keeps
 * writing meanwhile; in rollback-journal mode its writers wait for the copy (about a second per GB).
 *
 * <p><b>Restore:</b> the dump is written into a new file beside the database, checked (SHA-256,
 * length, SQLite's {@code quick_check}) and renamed over the old file ({@link SqliteSwap}); a failure
 * or a kill before the rename leaves the old database as it was, and the half-built file is deleted
 * now or by the next run. The database must not be open elsewhere: a restore refuses, naming the
 * processes that have it open. With keep-aside the old file keeps a second name beside it ({@link
 * SqliteKeepAside}) and a rollback renames it back; {@link SqliteWriteMark} tells whether the host
 * wrote to the restored file meanwhile.
 */
final class SqliteDumper implements DatabaseDumper {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDumper.class);
    static final String PRODUCT = "SQLite";
    static final String TOOL = "sqlite3_backup";
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_NOTADB = 26;

    private final DatabaseConfig config;
    private final SqliteLocation location;
    private final SqliteOptions options;

    SqliteDumper(DatabaseConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.location = SqliteLocation.of(config.jdbcUrl());
        this.options = SqliteOptions.of(config.options());
    }

    @Override
    public String id() {
        return SqliteDumperProvider.ID;
    }

    @Override
    public String format() {
        return SqliteDumpFormat.FORMAT;
    }

    @Override
    public DatabaseDescription describe() {
        requireDatabaseFile();
        try (Connection c = SqliteJdbc.open(location.file(), options.busyTimeout());
                Statement s = c.createStatement()) {
            String version;
            try (ResultSet rs = s.executeQuery("SELECT sqlite_version(), count(*) FROM sqlite_schema")) {
                rs.next();
                version = rs.getString(1);
            }
            long size;
            try (ResultSet rs =
                    s.executeQuery("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")) {
                size = rs.next() ? rs.getLong(1) : -1;
            }
            return new DatabaseDescription(PRODUCT, version, TOOL, "sqlite-jdbc " + SqliteJdbc.driverVersion(c), size);
        } catch (SQLException e) {
            throw dumpFailure("Cannot read", e);
        }
    }

    @Override
    public void dump(OutputStream out) {
        Objects.requireNonNull(out, "out");
        requireDatabaseFile();
        Path spoolDir = options.spoolDir().orElse(location.file().getParent());
        LeftoverFiles.sweep(spoolDir, location.file(), LeftoverFiles.DUMP);
        long start = System.nanoTime();
        Path spool;
        try {
            spool = LeftoverFiles.create(spoolDir, location.file(), LeftoverFiles.DUMP);
        } catch (IOException e) {
            throw new UnableToDumpDatabaseException(
                    "Cannot create the snapshot file of the SQLite database in "
                            + spoolDir + ": " + e + ". Check that the folder is writable (or set "
                            + config.options().keyName(SqliteOptions.SPOOL_DIR) + ").",
                    e);
        }
        try {
            snapshot(spool);
            long bytes = stream(spool, out);
            LOG.info(
                    "SQLite dump of {} done: {} bytes in {} ms",
                    location.file(),
                    bytes,
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            LeftoverFiles.delete(spool);
        }
    }

    /** Copies the database into {@code spool} from one read transaction. */
    private void snapshot(Path spool) {
        try (Connection c = SqliteJdbc.open(location.file(), options.busyTimeout())) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                rs.next(); // takes the read lock: the snapshot is fixed from here
            }
            checkCancelled("dump");
            SqliteJdbc.backup(c, spool);
            c.rollback();
        } catch (SQLException e) {
            throw dumpFailure("Cannot take a snapshot of", e);
        }
    }

    private long stream(Path spool, OutputStream out) {
        MessageDigest digest = SqliteDumpFormat.sha256();
        long bytes = 0;
        try (InputStream in = Files.newInputStream(spool)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                checkCancelled("dump");
                digest.update(buf, 0, n);
                out.write(buf, 0, n);
                bytes += n;
            }
            out.write(SqliteDumpFormat.trailer(bytes, digest.digest()));
            out.flush();
            return bytes;
        } catch (IOException e) {
            throw new UnableToDumpDatabaseException(
                    "Writing the SQLite dump of " + location.file() + " failed after " + bytes + " bytes: " + e, e);
        }
    }

    @Override
    public void checkRestorable(DatabaseInfo info) {
        Objects.requireNonNull(info, "info");
        if (!SqliteDumperProvider.ID.equals(info.dumper())) {
            throw new IncompatibleBackupException(
                    "The backup's database dump was made by the '" + info.dumper()
                            + "' dumper (" + info.product() + "), but " + location.file()
                            + " is a SQLite database (dumper 'sqlite'). Restore it into a database of the kind it was made from.");
        }
        if (!SqliteDumpFormat.FORMAT.equals(info.format())) {
            throw new IncompatibleBackupException("The backup's SQLite dump has format '" + info.format()
                    + "', this version reads only '" + SqliteDumpFormat.FORMAT
                    + "'. Restore it with the library version that made it.");
        }
    }

    @Override
    public boolean gatesCommit() {
        return true;
    }

    @Override
    public void restore(DumpSource source) {
        Objects.requireNonNull(source, "source");
        checkRestorable(source.info());
        long start = System.nanoTime();
        SqliteSwap swap = new SqliteSwap(location, options);
        Path dir = location.file().getParent();
        LeftoverFiles.sweep(dir, location.file(), LeftoverFiles.RESTORE);
        swap.checkTarget();
        Path staged;
        try {
            staged = LeftoverFiles.create(dir, location.file(), LeftoverFiles.RESTORE);
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException(
                    "Cannot create the new database file beside " + location.file() + ": " + e
                            + ". Check that its folder is writable. Nothing was changed.",
                    e);
        }
        SqliteKeepAside kept = new SqliteKeepAside(location, swap);
        Path aside = source.keepAside()
                .filter(id -> Files.exists(location.file())) // a new database replaces nothing
                .map(kept::asideFile)
                .orElse(null);
        boolean swapped = false;
        try {
            long bytes = stage(source, staged);
            quickCheck(staged);
            source.recoveryPoint(kept.restoreToken(staged, aside));
            if (aside != null) {
                source.keptAside(aside.toString());
            }
            source.beforeCommit(); // the other parts of the restore are verified and in place
            checkCancelled("restore");
            swap.commit(staged, aside);
            swapped = true;
            LOG.info(
                    "SQLite restore of {} done: {} bytes in {} ms{}",
                    location.file(),
                    bytes,
                    (System.nanoTime() - start) / 1_000_000,
                    aside == null ? "" : "; the replaced file is kept as " + aside);
        } catch (ClosedByInterruptException e) {
            throw cancelled(e);
        } catch (SqliteDumpFormat.DamagedDumpException e) {
            throw new UnableToRestoreDatabaseException(
                    "The SQLite dump cannot be restored: " + e.getMessage()
                            + ". Nothing was changed. Restore another backup, or check the storage.",
                    e);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw cancelled(e);
            }
            throw new UnableToRestoreDatabaseException(
                    "Restoring the SQLite database " + location.file() + " failed: " + e
                            + ". The database was not changed.",
                    e);
        } finally {
            if (!swapped) {
                LeftoverFiles.delete(staged);
            }
        }
    }

    @Override
    public Optional<String> whyNotKeepAside() {
        return keepAside().whyNot();
    }

    @Override
    public void rollbackAside(String token, DumpSource context) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(context, "context");
        keepAside().rollback(token, context);
    }

    @Override
    public void dropAside(String token) {
        keepAside().drop(Objects.requireNonNull(token, "token"));
    }

    @Override
    public boolean recoverRestore(String token, boolean committing) {
        if (token == null) {
            return DatabaseDumper.super.recoverRestore(null, committing);
        }
        return keepAside().recover(token, committing);
    }

    @Override
    public Optional<String> writeMark() {
        try {
            return SqliteWriteMark.of(location).map(SqliteWriteMark::encode);
        } catch (IOException e) {
            LOG.warn("Cannot read {} to mark what the restore wrote: {}", location.file(), e.toString());
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> writtenSince(String mark) {
        Optional<SqliteWriteMark> before = SqliteWriteMark.decode(Objects.requireNonNull(mark, "mark"));
        if (before.isEmpty()) {
            return Optional.of("the mark taken after the restore (" + mark + ") is not one this version of the"
                    + " sqlite dumper reads, so it cannot tell what was written since");
        }
        try {
            return SqliteWriteMark.of(location)
                    .map(now -> now.since(before.get(), location.file()))
                    .orElseGet(() ->
                            Optional.of("the database file " + location.file() + " was deleted since the restore"));
        } catch (IOException e) {
            return Optional.of(
                    "cannot read " + location.file() + " to tell what was written since the restore (" + e + ")");
        }
    }

    private SqliteKeepAside keepAside() {
        return new SqliteKeepAside(location, new SqliteSwap(location, options));
    }

    /** Writes the dump's database bytes into {@code staged}, verified, and syncs them to disk. */
    private long stage(DumpSource source, Path staged) throws IOException {
        try (InputStream in = source.open();
                FileChannel ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(ch);
            long bytes = SqliteDumpFormat.copyVerified(in, out, () -> checkCancelled("restore"));
            ch.force(true);
            return bytes;
        }
    }

    /** SQLite's own check of the new file, so that a damaged database is never swapped in. */
    private void quickCheck(Path staged) {
        List<String> problems;
        try (Connection c = SqliteJdbc.open(staged, options.busyTimeout());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            problems = new java.util.ArrayList<>();
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "The database in the SQLite dump cannot be opened: " + e.getMessage()
                            + ". Nothing was changed. Restore another backup.",
                    e);
        } finally {
            // the check's connection may have made -wal/-shm files for the new file; they are empty now
            for (String suffix : List.of("-wal", "-shm")) {
                try {
                    Files.deleteIfExists(staged.resolveSibling(staged.getFileName() + suffix));
                } catch (IOException e) {
                    LOG.debug("Cannot delete {}{}: {}", staged, suffix, e.toString());
                }
            }
        }
        if (!problems.equals(List.of("ok"))) {
            throw new UnableToRestoreDatabaseException("The database in the SQLite dump fails SQLite's quick_check: "
                    + problems.stream().limit(5).collect(Collectors.joining("; "))
                    + ". Nothing was changed. Restore another backup.");
        }
    }

    private void requireDatabaseFile() {
        Path file = location.file();
        if (!Files.isRegularFile(file)) {
            throw new UnableToDumpDatabaseException("The SQLite database file " + file + " does not exist"
                    + (Files.exists(file) ? " as a regular file" : "")
                    + ". Check the database URL (" + SqliteLocation.URL_KEY + "): " + config.safeUrl());
        }
    }

    private UnableToDumpDatabaseException dumpFailure(String what, SQLException e) {
        int code = e.getErrorCode() & 0xff;
        String db = location.file().toString();
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
            List<String> holders = FileHolders.of(location.withSidecars()).stream()
                    .map(FileHolders.Holder::toString)
                    .collect(Collectors.toList());
            return new SqliteDatabaseBusyException(
                    location.file(),
                    holders,
                    "The SQLite database " + db + " stayed locked by another connection (a write transaction) for"
                            + " longer than " + options.busyTimeoutKey() + " ("
                            + options.busyTimeout().toSeconds()
                            + "s)" + (holders.isEmpty() ? "" : ": " + String.join("; ", holders))
                            + ". Try again when it is idle, or raise " + options.busyTimeoutKey()
                            + ". Nothing was written.",
                    e);
        }
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
            return new UnableToDumpDatabaseException(
                    "The file " + db + " is not a SQLite database (or is damaged): " + e.getMessage()
                            + ". Check the database URL (" + SqliteLocation.URL_KEY + "): " + config.safeUrl(),
                    e);
        }
        if (code == SQLITE_CANTOPEN) {
            return new UnableToDumpDatabaseException(
                    "Cannot open the SQLite database " + db + ": " + e.getMessage()
                            + ". Check the database URL (" + SqliteLocation.URL_KEY
                            + ") and that this process may read the"
                            + " file and write its folder.",
                    e);
        }
        return new UnableToDumpDatabaseException(what + " the SQLite database " + db + ": " + e.getMessage(), e);
    }

    private static void checkCancelled(String what) {
        if (Thread.currentThread().isInterrupted()) {
            throw new BackupCancelledException("The SQLite " + what + " was interrupted", null);
        }
    }

    private BackupCancelledException cancelled(Exception e) {
        return new BackupCancelledException(
                "The SQLite restore of " + location.file() + " was interrupted; the database was not changed.", e);
    }

    @Override
    public String toString() {
        return "SqliteDumper[" + location.file() + "]";
    }
}
