package io.backupkit.backup.core.h2;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.core.h2.H2DumpFormat.DamagedDumpException;
import io.backupkit.backup.core.h2.H2DumpFormat.Trailer;
import io.backupkit.backup.core.h2.H2DumpFormat.VerifyingInputStream;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.support.JdbcLogin;
import io.backupkit.backup.spi.support.Redaction;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dumps and restores an H2 2.x database with H2's own {@code SCRIPT} command over plain JDBC; no H2
 * class is referenced, so H2 stays an optional dependency. The one thing to know: H2's DDL is not
 * transactional, so a restore checks the whole dump first, holds the database with {@code SET EXCLUSIVE
 * 1}, and on any failure drops everything and loads a rollback snapshot of the previous state. The
 * connecting user must be an H2 admin. Details: {@code docs/NOTES-PROVIDERS.md}.
 */
public final class H2Dumper implements DatabaseDumper {
    // Long on purpose: dump and restore share the connection, session and framing rules of SCRIPT.

    private static final Logger LOG = LoggerFactory.getLogger(H2Dumper.class);
    static final String DRIVER_CLASS = "org.h2.Driver";
    static final String TOOL = "SCRIPT";
    static final String FORMAT = "sql";
    private static final int FETCH_SIZE = 100;
    private static final int COMMIT_EVERY = 200;
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.\\d+)?.*");

    private final DatabaseConfig config;

    H2Dumper(DatabaseConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        config.options().requireOnly(Set.of());
    }

    @Override
    public String id() {
        return H2DumperProvider.ID;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public DatabaseDescription describe() {
        try (Connection c = connect(dumpUrl(), UnableToDumpDatabaseException::new);
                Statement s = c.createStatement()) {
            DatabaseMetaData md = c.getMetaData();
            String version;
            try (ResultSet rs = s.executeQuery("SELECT H2VERSION()")) {
                rs.next();
                version = rs.getString(1);
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = CURRENT_USER")) {
                if (rs.next() && !rs.getBoolean(1)) {
                    throw new DatabaseToolException(
                            TOOL,
                            "The H2 user " + config.user() + " of " + config.safeUrl()
                                    + " is not an admin: SCRIPT needs ADMIN rights. Use an admin user"
                                    + " or ALTER USER ... ADMIN TRUE.");
                }
            }
            long size = -1;
            try (ResultSet rs = s.executeQuery(
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.PAGE_COUNT'")) {
                if (rs.next()) {
                    long pageSize;
                    String pages = rs.getString(1);
                    try (ResultSet ps = c.createStatement()
                            .executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                                    + " WHERE SETTING_NAME = 'info.PAGE_SIZE'")) {
                        pageSize = ps.next() ? Long.parseLong(ps.getString(1).trim()) : -1;
                    }
                    size = pageSize > 0 ? Long.parseLong(pages.trim()) * pageSize : -1;
                }
            } catch (SQLException | NumberFormatException e) {
                size = -1; // an in-memory or older database: the size is only for progress
            }
            return new DatabaseDescription(
                    md.getDatabaseProductName(), md.getDatabaseProductVersion(), TOOL, version, size);
        } catch (SQLException e) {
            throw new UnableToDumpDatabaseException(
                    "Cannot read the H2 version of " + config.safeUrl() + ": " + message(e), e);
        }
    }

    @Override
    public void dump(OutputStream out) {
        Objects.requireNonNull(out, "out");
        long start = System.nanoTime();
        try (Connection c = connect(dumpUrl(), UnableToDumpDatabaseException::new)) {
            ScriptSize written = writeScript(c, out);
            LOG.info(
                    "H2 dump of {} done: {} statements, {} bytes in {} ms",
                    config.safeUrl(),
                    written.statements(),
                    written.bytes(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException e) {
            throw new UnableToDumpDatabaseException("The H2 dump of " + config.safeUrl() + " failed: " + message(e), e);
        }
    }

    @Override
    public void checkRestorable(DatabaseInfo info) {
        Objects.requireNonNull(info, "info");
        if (!H2DumperProvider.ID.equals(info.dumper())) {
            throw new IncompatibleBackupException("The backup's database dump was made by the '" + info.dumper()
                    + "' dumper (" + info.product() + "), but " + config.safeUrl()
                    + " is an H2 database (dumper 'h2'). Restore it into a database of the kind it was made from.");
        }
        if (!FORMAT.equals(info.format())) {
            throw new IncompatibleBackupException("The backup's H2 dump has format '" + info.format()
                    + "', this version reads only '" + FORMAT + "'. Restore it with the library version that made it.");
        }
        Matcher dumped = info.toolVersion() == null
                ? null
                : VERSION.matcher(info.toolVersion().trim());
        if (dumped == null || !dumped.matches()) {
            throw new IncompatibleBackupException("The backup's manifest records no usable H2 version ('"
                    + info.toolVersion() + "'), so it cannot be checked against this H2. Restore it with"
                    + " RUNSCRIPT by hand if you know it matches.");
        }
        int major = Integer.parseInt(dumped.group(1));
        int minor = Integer.parseInt(dumped.group(2));
        Driver driver = driver();
        int runMajor = driver.getMajorVersion();
        int runMinor = driver.getMinorVersion();
        if (major > runMajor || (major == runMajor && minor > runMinor)) {
            throw new IncompatibleBackupException("The backup was made with H2 " + info.toolVersion()
                    + ", newer than the H2 " + runMajor + "." + runMinor + " on this class path; its script"
                    + " may use syntax this H2 cannot read. Upgrade com.h2database:h2 to " + major + "." + minor
                    + " or newer, then restore.");
        }
        if (major < runMajor) {
            throw new IncompatibleBackupException("The backup was made with H2 " + info.toolVersion()
                    + "; H2 " + runMajor + "." + runMinor + " cannot load scripts of H2 " + major + ".x as they"
                    + " are. Restore it with H2 " + major + ".x, or migrate it (RUNSCRIPT ... FROM_1X).");
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
        Trailer expected;
        try (InputStream in = source.open()) {
            expected = H2DumpFormat.verify(new BufferedInputStream(in, 1 << 16));
        } catch (DamagedDumpException e) {
            throw new UnableToRestoreDatabaseException(
                    "The H2 dump cannot be restored: " + e.getMessage()
                            + ". Nothing was changed. Restore another backup, or check the storage.",
                    e);
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException("Cannot read the H2 dump: " + e + ". Nothing was changed.", e);
        }
        replace(source::open, expected, source, source.keepAside().isPresent(), start);
    }

    /**
     * Replaces the database by what {@code opener} gives, from a rollback snapshot it falls back to;
     * with {@code keepAside} that snapshot is kept (in {@link DumpSource#asideDir()}) as the
     * replaced state.
     */
    private void replace(Opener opener, Trailer expected, DumpSource source, boolean keepAside, long start) {
        Path rollback = null;
        boolean keepRollback = false;
        try (Connection c = connect(restoreUrl(), UnableToRestoreDatabaseException::new)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET EXCLUSIVE 1");
            }
            exclusive = c;
            rollback = takeRollbackSnapshot(c, keepAside ? source.asideDir() : source.workDir(), keepAside);
            source.recoveryPoint(rollback.toString()); // a killed process is rolled back from it
            try {
                run(c, opener, expected, deadline(start));
                try (Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT SYNC"); // on disk before the gate: a crash after it keeps the backup
                }
                if (keepAside) {
                    source.keptAside(rollback.toString());
                }
                source.beforeCommit(); // the other parts of the restore are verified and in place
                keepRollback = keepAside;
            } catch (Exception | Error failure) {
                boolean interrupted = Thread.interrupted(); // the rollback must run to its end
                try {
                    run(c, opener(rollback), null, Long.MAX_VALUE);
                } catch (Exception | Error rollbackFailure) {
                    failure.addSuppressed(rollbackFailure);
                    keepRollback = true;
                    Path kept = keep(rollback);
                    source.rollbackFailed(kept.toString());
                    throw new UnableToRestoreDatabaseException(
                            "Restoring the H2 database " + config.safeUrl() + " failed (" + message(failure)
                                    + ") and putting it back failed too (" + message(rollbackFailure)
                                    + "). The database may be incomplete. Its state from before the restore is"
                                    + " in " + kept + " (an H2 script): run DROP ALL OBJECTS, then RUNSCRIPT FROM '"
                                    + kept + "'.",
                            failure);
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (failure instanceof BackupCancelledException) {
                    throw new BackupCancelledException(
                            "The H2 restore was cancelled; the database was put back as it was before the restore.",
                            failure);
                }
                throw new UnableToRestoreDatabaseException(
                        "Restoring the H2 database " + config.safeUrl() + " failed: " + message(failure)
                                + ". The database was put back as it was before the restore; nothing was lost.",
                        failure);
            }
            LOG.info("H2 restore of {} done in {} ms", config.safeUrl(), (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "The H2 restore of " + config.safeUrl() + " failed: " + message(e), e);
        } finally {
            exclusive = null;
            if (rollback != null && !keepRollback) {
                try {
                    Files.deleteIfExists(rollback);
                } catch (IOException e) {
                    LOG.warn("Cannot delete the rollback file {}: {}", rollback, e.toString());
                }
            }
        }
    }

    private static final String ASIDE_PREFIX = ".backupkit-aside-h2-";
    private static final String MARK = "h2script:";

    /** The restore's connection while it holds the database exclusively: no other may open meanwhile. */
    private volatile Connection exclusive;

    /** H2 counts no writes: the mark is the SHA-256 of the database's SCRIPT, whole. */
    @Override
    public java.util.Optional<String> writeMark() {
        return java.util.Optional.of(MARK + scriptDigest());
    }

    @Override
    public java.util.Optional<String> writtenSince(String mark) {
        if (!mark.startsWith(MARK)) {
            return java.util.Optional.of(
                    "cannot tell what was written since the restore (an unknown mark " + mark + ")");
        }
        return scriptDigest().equals(mark.substring(MARK.length()))
                ? java.util.Optional.empty()
                : java.util.Optional.of("its content differs from what the restore left (rows or tables written;"
                        + " H2 does not count them)");
    }

    private String scriptDigest() {
        MessageDigest digest = H2DumpFormat.sha256();
        OutputStream sink = new DigestingOutputStream(OutputStream.nullOutputStream(), digest);
        Connection held = exclusive;
        if (held != null) {
            writeScript(held, sink);
        } else {
            try (Connection c = connect(dumpUrl(), UnableToDumpDatabaseException::new)) {
                writeScript(c, sink);
            } catch (SQLException e) {
                throw new UnableToDumpDatabaseException(
                        "Cannot read the H2 database " + config.safeUrl() + ": " + message(e), e);
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** The rollback script every restore takes is what is kept aside (H2 has no database rename). */
    @Override
    public java.util.Optional<String> whyNotKeepAside() {
        return java.util.Optional.empty();
    }

    /** Runs the kept script as a restore of its own (with a rollback snapshot of the current state). */
    @Override
    public void rollbackAside(String token, DumpSource context) {
        Path kept = Path.of(token);
        if (!Files.isRegularFile(kept)) {
            throw new UnableToRestoreDatabaseException(
                    "the state kept aside, " + kept + ", is gone: cannot roll back. Nothing was changed");
        }
        replace(opener(kept), null, context, false, System.nanoTime());
        dropAside(token);
    }

    @Override
    public void dropAside(String token) {
        try {
            Files.deleteIfExists(Path.of(token));
        } catch (IOException e) {
            LOG.warn("Cannot delete the state kept aside, {}: {}", token, e.toString());
        }
    }

    /** A killed restore's rollback file is run back unless it had passed its commit gate. */
    @Override
    public boolean recoverRestore(String token, boolean committing) {
        if (committing) {
            return true; // the backup was loaded whole before the gate
        }
        Path rollback = Path.of(token);
        if (!Files.isRegularFile(rollback)) {
            throw new UnableToRestoreDatabaseException("An interrupted restore of the H2 database " + config.safeUrl()
                    + " left it half loaded, and its rollback file " + rollback + " is gone. Restore a backup"
                    + " (the pre-restore safety backup holds the state before it).");
        }
        try (Connection c = connect(restoreUrl(), UnableToRestoreDatabaseException::new)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET EXCLUSIVE 1");
            }
            run(c, opener(rollback), null, Long.MAX_VALUE);
            LOG.warn("H2 database {} put back from the rollback file of an interrupted restore", config.safeUrl());
            if (rollback.getFileName().toString().startsWith(ASIDE_PREFIX)) {
                dropAside(token); // kept aside only if the restore committed
            }
            return false;
        } catch (IOException | SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "Putting the H2 database " + config.safeUrl() + " back after an interrupted restore failed: "
                            + message(e) + ". Its state from before is in " + rollback
                            + ": run DROP ALL OBJECTS, then RUNSCRIPT FROM that file.",
                    e);
        }
    }

    /**
     * For a file database, an OS lock on {@code <database>.backupkit.lock} beside its files; an
     * in-memory or remote (TCP) database is not locked here.
     */
    @Override
    public TargetLock lockTarget() {
        Path file = databaseFile();
        if (file == null) {
            return TargetLock.NONE;
        }
        try {
            io.backupkit.backup.core.internal.lease.TargetFileLock lock =
                    io.backupkit.backup.core.internal.lease.TargetFileLock.tryLock(
                            file.resolveSibling(file.getFileName() + ".backupkit.lock"),
                            "the H2 database " + config.safeUrl());
            return lock::close;
        } catch (java.io.UncheckedIOException e) {
            LOG.warn("cannot lock the H2 database {} for this operation: {}", config.safeUrl(), e.getMessage());
            return TargetLock.NONE;
        }
    }

    /**
     * The URL for restores: an embedded database this connection opens is not closed by H2's own
     * shutdown hook, so that a restore cancelled by SIGTERM can still roll back while the JVM stops.
     */
    private String restoreUrl() {
        String url = config.jdbcUrl();
        return url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT") || databaseFile() == null
                ? url
                : url + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** The database's base path for an embedded file database, else null. */
    private Path databaseFile() {
        String url = config.jdbcUrl();
        if (!url.startsWith("jdbc:h2:")) {
            return null;
        }
        String rest = url.substring("jdbc:h2:".length());
        int semi = rest.indexOf(';');
        if (semi >= 0) {
            rest = rest.substring(0, semi);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (rest.matches("^[a-z]{2,}:.*")) {
            return null; // mem:, tcp:, ssl:, zip:, ...
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1);
        }
        return rest.isEmpty() ? null : Path.of(rest).toAbsolutePath().normalize();
    }

    private static Opener opener(Path file) {
        return () -> Files.newInputStream(file);
    }

    /** Opens a dump stream. */
    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    private Path takeRollbackSnapshot(Connection c, Path workDir, boolean keepAside) {
        Path file;
        try {
            Files.createDirectories(workDir);
            file = workDir.resolve((keepAside ? ASIDE_PREFIX : "h2-before-restore-") + System.nanoTime() + ".sql");
            createPrivateFile(file);
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException(
                    "Cannot create the rollback file in " + workDir + ": " + e + ". Nothing was changed.", e);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            writeScript(c, out);
        } catch (IOException | UnableToDumpDatabaseException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // reported below
            }
            throw new UnableToRestoreDatabaseException(
                    "Cannot take the rollback snapshot of " + config.safeUrl() + " before the restore: " + message(e)
                            + ". Nothing was changed (check the free space in " + workDir + ").",
                    e);
        }
        return file;
    }

    /** Drops everything, then runs the dump; throws on any problem (the caller rolls back). */
    private void run(Connection c, Opener opener, Trailer expected, long deadline) throws IOException, SQLException {
        c.setAutoCommit(true);
        try {
            runStatements(c, opener, expected, deadline);
        } finally {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    private void runStatements(Connection c, Opener opener, Trailer expected, long deadline)
            throws IOException, SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(secondsLeft(deadline));
            s.execute("DROP ALL OBJECTS");
        }
        try (InputStream raw = opener.open();
                VerifyingInputStream in = new VerifyingInputStream(new BufferedInputStream(raw, 1 << 16));
                Reader reader = new InputStreamReader(
                        in,
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT));
                Statement s = c.createStatement()) {
            // fewer commits: DDL commits anyway; a failure is undone by the rollback snapshot, not here
            c.setAutoCommit(false);
            SqlStatementReader statements = new SqlStatementReader(reader);
            long count = 0;
            String sql;
            while ((sql = statements.next()) != null) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new BackupCancelledException("The H2 restore was interrupted", null);
                }
                if (statements.lastWasUnterminated()) {
                    throw new DamagedDumpException("its last statement has no ';' (the dump is truncated)");
                }
                s.setQueryTimeout(secondsLeft(deadline));
                s.execute(sql);
                count++;
                if (count % COMMIT_EVERY == 0) {
                    c.commit();
                }
            }
            c.commit();
            Trailer actual = in.finish();
            if (actual.statements() != count) {
                throw new DamagedDumpException(
                        "it ran " + count + " statements, its end line says " + actual.statements());
            }
            if (expected != null && !expected.sha256().equals(actual.sha256())) {
                throw new DamagedDumpException("it changed while it was being restored");
            }
        }
    }

    private record ScriptSize(long statements, long bytes) {}

    /**
     * Writes the framed script of {@code c}'s database into {@code out} (not closed) and returns
     * its size. Leaves {@code c}'s auto-commit and isolation as they were.
     */
    private ScriptSize writeScript(Connection c, OutputStream out) {
        CountingOutputStream counting = new CountingOutputStream(out);
        MessageDigest digest = H2DumpFormat.sha256();
        Writer w = new BufferedWriter(
                new OutputStreamWriter(
                        new DigestingOutputStream(counting, digest),
                        StandardCharsets.UTF_8
                                .newEncoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)),
                1 << 16);
        long statements = 0;
        try {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            try (Statement s = c.createStatement()) {
                // one MVCC snapshot of all tables, taken when SCRIPT starts
                s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
                c.setAutoCommit(false);
                s.setFetchSize(FETCH_SIZE);
                s.setQueryTimeout(queryTimeout());
                w.write(H2DumpFormat.HEADER);
                w.write('\n');
                try (ResultSet rs = s.executeQuery("SCRIPT")) {
                    while (rs.next()) {
                        if (Thread.currentThread().isInterrupted()) {
                            throw new BackupCancelledException(
                                    "The H2 dump of " + config.safeUrl() + " was interrupted", null);
                        }
                        String row = rs.getString(1);
                        if (row.startsWith(H2DumpFormat.TRAILER_PREFIX)
                                || row.contains("\n" + H2DumpFormat.TRAILER_PREFIX)) {
                            throw new UnableToDumpDatabaseException("The H2 script of " + config.safeUrl()
                                    + " contains a line that looks like the dump's end line; it cannot be framed.");
                        }
                        w.write(row);
                        w.write('\n');
                        if (!row.startsWith("--")) {
                            statements++;
                        }
                    }
                }
            } finally {
                resetSession(c, autoCommit, isolation);
            }
            w.flush();
            counting.write(H2DumpFormat.trailer(statements, digest).getBytes(StandardCharsets.US_ASCII));
            counting.flush();
            return new ScriptSize(statements, counting.count);
        } catch (SQLException e) {
            throw new UnableToDumpDatabaseException(
                    "The H2 SCRIPT of " + config.safeUrl() + " failed: " + message(e)
                            + ". Check that the user is an admin and the database is healthy.",
                    e);
        } catch (IOException e) {
            throw new UnableToDumpDatabaseException(
                    "Writing the H2 dump of " + config.safeUrl() + " failed after " + counting.count + " bytes: "
                            + message(e),
                    e);
        }
    }

    /** Ends the read-only dump transaction; a failure here must not hide the one that got us here. */
    private static void resetSession(Connection c, boolean autoCommit, int isolation) {
        try {
            c.rollback();
            c.setAutoCommit(autoCommit);
            c.setTransactionIsolation(isolation);
        } catch (SQLException e) {
            LOG.debug("Cannot reset the H2 session after SCRIPT: {}", e.toString());
        }
    }

    private Connection connect(String url, BiFunction<String, Throwable, BackupException> failure) {
        Driver driver = driver();
        Properties props = JdbcLogin.properties(config.user(), config.password());
        try {
            Connection c = driver.connect(url, props);
            if (c == null) {
                throw failure.apply("The H2 driver does not accept the URL " + config.safeUrl(), null);
            }
            return c;
        } catch (SQLException e) {
            throw failure.apply(
                    "Cannot connect to the H2 database " + config.safeUrl() + ": " + message(e)
                            + ". Check the database URL, the user and password, and that the database exists"
                            + " and is reachable.",
                    e);
        }
    }

    private Driver driver() {
        try {
            return DriverManager.getDriver(config.jdbcUrl());
        } catch (SQLException notRegistered) {
            for (ClassLoader loader :
                    new ClassLoader[] {Thread.currentThread().getContextClassLoader(), H2Dumper.class.getClassLoader()
                    }) {
                if (loader == null) {
                    continue;
                }
                try {
                    Class<?> type = Class.forName(DRIVER_CLASS, true, loader);
                    return (Driver) type.getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                    LOG.debug("H2 driver not loadable from {}: {}", loader, e.toString());
                }
            }
            throw new DatabaseToolException(
                    TOOL,
                    "No H2 JDBC driver on the class path for " + config.safeUrl()
                            + ": add the dependency com.h2database:h2 (2.x, the version the application uses)"
                            + " to the application.",
                    notRegistered);
        }
    }

    /** The URL for dumps: never create a new empty database by mistake. */
    private String dumpUrl() {
        String url = config.jdbcUrl();
        if (url.toUpperCase(Locale.ROOT).contains(";IFEXISTS=")) {
            return url;
        }
        while (url.endsWith(";")) {
            url = url.substring(0, url.length() - 1);
        }
        return url + ";IFEXISTS=TRUE";
    }

    private int queryTimeout() {
        Duration t = config.timeout();
        long seconds = t.getSeconds() + (t.getNano() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, seconds));
    }

    private long deadline(long start) {
        Duration t = config.timeout();
        long nanos;
        try {
            nanos = t.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        return start + nanos < start ? Long.MAX_VALUE : start + nanos;
    }

    /**
     * A JDBC query timeout for what is left until {@code deadline} (0 = none); throws {@link
     * UnableToRestoreDatabaseException} once it has passed (only restores have a deadline that can pass
     * between statements; a dump's starts with its one statement).
     */
    private int secondsLeft(long deadline) {
        if (deadline == Long.MAX_VALUE) {
            return 0;
        }
        long leftNanos = deadline - System.nanoTime();
        if (leftNanos <= 0) {
            throw new UnableToRestoreDatabaseException("The H2 restore of " + config.safeUrl()
                    + " took longer than the configured timeout " + config.timeout());
        }
        long seconds = (leftNanos + 999_999_999L) / 1_000_000_000L;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, seconds));
    }

    private Path keep(Path rollback) {
        try {
            Path target = Path.of(System.getProperty("java.io.tmpdir"))
                    .resolve("backupkit-h2-before-restore-" + System.currentTimeMillis() + ".sql");
            return Files.move(rollback, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Path target = Path.of(System.getProperty("java.io.tmpdir"))
                        .resolve("backupkit-h2-before-restore-" + System.currentTimeMillis() + ".sql");
                return Files.move(rollback, target);
            } catch (IOException | RuntimeException again) {
                return rollback;
            }
        }
    }

    private static void createPrivateFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    /** A throwable's message without the password, for exception messages and logs. */
    private String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return Redaction.redact(m, config.password());
    }

    @Override
    public String toString() {
        return "H2Dumper[" + config.safeUrl() + "]";
    }

    /** Counts bytes; never closes the caller's stream. */
    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Feeds a digest; never closes the stream below. */
    private static final class DigestingOutputStream extends FilterOutputStream {
        private final MessageDigest digest;

        DigestingOutputStream(OutputStream out, MessageDigest digest) {
            super(out);
            this.digest = digest;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
