package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mysql} dumper: MySQL 8 and MariaDB 10.6+ through their own dump and client tools, at the
 * server's version or newer. The one thing to know: their DDL is not transactional, so a restore first
 * dumps the current database into a rollback snapshot and loads it back on any failure; other sessions
 * can see the database half loaded meanwhile. Immutable and thread-safe, but restores of one database
 * must not overlap. Options, and why not a staging database: {@code docs/NOTES-PROVIDERS.md}.
 */
public final class MysqlDumper implements DatabaseDumper {
    /** Options this dumper reads. */
    public static final Set<String> OPTIONS =
            Set.of("bin_dir", "socket", "dump_args", "restore_args", "lock_wait_timeout");

    /** Options that {@code dump_args} / {@code restore_args} may not set: this dumper owns them. */
    private static final List<String> RESERVED = List.of(
            "--password",
            "--defaults",
            "--no-defaults",
            "--print-defaults",
            "--user",
            "--host",
            "--port",
            "--socket",
            "--protocol",
            "--databases",
            "--all-databases",
            "--result-file",
            "--tab",
            "--xml",
            "--compact",
            "--skip-comments",
            "--init-command");

    static final String SANDBOX_LINE = "/*M!999999\\- enable the sandbox mode */";
    private static final Logger LOG = LoggerFactory.getLogger(MysqlDumper.class);
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
    private static final int BUFFER = 1 << 16;

    private final DatabaseConfig config;
    private final MysqlUrl url;
    private final String user;
    private final Secret password;
    private final Path binDir;
    /** The create's or restore's one JDBC session, shared by the version read, the lock and the session check. */
    private final MysqlLockSession lockSession = new MysqlLockSession();

    private final String socket;
    private final List<String> dumpArgs;
    private final List<String> restoreArgs;
    private final long lockWaitSeconds;

    /** Creates a dumper; the URL and options are checked here, the server is contacted later. */
    public MysqlDumper(DatabaseConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        ProviderOptions options = config.options().requireOnly(OPTIONS);
        this.url = MysqlUrl.parse(config.jdbcUrl());
        this.user = config.user() != null ? config.user() : url.param("user").orElse(null);
        this.password = config.password() != null
                ? config.password()
                : url.param("password").map(Secret::of).orElse(null);
        this.binDir = options.string("bin_dir")
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .orElse(null);
        if (binDir != null && !Files.isDirectory(binDir)) {
            throw new BackupConfigurationException(
                    options.keyName("bin_dir"),
                    options.keyName("bin_dir") + " is not a folder: " + binDir
                            + "; point it at the folder holding mariadb-dump/mysqldump, or remove it to use the PATH");
        }
        this.socket = options.string("socket").filter(s -> !s.isBlank()).orElse(url.socket());
        this.dumpArgs = extraArgs(options, "dump_args");
        this.restoreArgs = extraArgs(options, "restore_args");
        this.lockWaitSeconds = Math.max(
                1, options.duration("lock_wait_timeout", Duration.ofSeconds(60)).toSeconds());
    }

    /**
     * Extra long options for a tool (a list, or one string split at blanks), e.g. TLS settings; the
     * options this dumper sets itself and anything that could carry a password are refused.
     */
    static List<String> extraArgs(ProviderOptions options, String key) {
        Object value = options.asMap().get(key);
        if (value == null) {
            return List.of();
        }
        List<String> args = new ArrayList<>();
        if (value instanceof Iterable<?> list) {
            list.forEach(a -> args.add(String.valueOf(a).trim()));
        } else if (value instanceof String text) {
            for (String a : text.trim().split("\\s+")) {
                if (!a.isEmpty()) {
                    args.add(a);
                }
            }
        } else {
            throw new BackupConfigurationException(
                    options.keyName(key), options.keyName(key) + " must be a list of options or a string of them");
        }
        for (String a : args) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean reserved = RESERVED.stream().anyMatch(r -> name.equals(r) || name.startsWith(r + "-"));
            if (!a.startsWith("--") || a.length() < 3 || reserved) {
                // the value is not shown: a misplaced password must not end up in a log
                throw new BackupConfigurationException(
                        options.keyName(key),
                        options.keyName(key) + " may hold only long options (--name or --name=value) that the"
                                + " dumper does not set itself; refused: "
                                + (a.startsWith("--") ? name : "an argument not starting with --")
                                + ". Credentials belong in the database user and password, host and"
                                + " port in the URL");
            }
        }
        return List.copyOf(args);
    }

    @Override
    public String id() {
        return MysqlDumperProvider.ID;
    }

    @Override
    public String format() {
        return "sql";
    }

    @Override
    public DatabaseDescription describe() {
        Tools t = resolve(false);
        return new DatabaseDescription(
                t.server.product(), t.serverVersionText, t.dumpTool.name, t.dumpTool.version.toString(), t.sizeBytes);
    }

    @Override
    public void dump(OutputStream out) {
        dump(out, w -> {});
    }

    @Override
    public void dump(OutputStream out, Consumer<String> warnings) {
        Objects.requireNonNull(out, "out");
        Tools t = resolve(false);
        warnAboutNonTransactionalTables(warnings);
        Instant start = Instant.now();
        long bytes = runDump(t, out);
        LOG.info(
                "dumped database {} ({} {}) with {} {}: {} bytes in {}",
                url.database(),
                t.server.product(),
                t.server,
                t.dumpTool.name,
                t.dumpTool.version,
                bytes,
                Duration.between(start, Instant.now()));
    }

    @Override
    public void checkRestorable(DatabaseInfo info) {
        Objects.requireNonNull(info, "info");
        checkDumpKind(info);
        checkProduct(info, resolve(true));
    }

    private void checkDumpKind(DatabaseInfo info) {
        if (!id().equals(info.dumper())) {
            throw new IncompatibleBackupException("the database dump was made by the '" + info.dumper()
                    + "' dumper, not '" + id() + "'; restore it with a " + info.dumper()
                    + " database configured");
        }
        if (!format().equals(info.format())) {
            throw new IncompatibleBackupException(
                    "the database dump has format '" + info.format() + "', this dumper reads only '" + format() + "'");
        }
    }

    private void checkProduct(DatabaseInfo info, Tools t) {
        if (info.product() != null && !info.product().isBlank()) {
            boolean dumpIsMariadb = info.product().toLowerCase(Locale.ROOT).contains("mariadb");
            if (dumpIsMariadb != t.server.mariadb()) {
                throw new IncompatibleBackupException("the backup is a " + info.product() + " dump and the server at "
                        + where() + " is " + t.server.product() + "; " + info.product()
                        + " dumps use syntax and collations the other server does not have. Restore it into a "
                        + info.product() + " server");
            }
        }
        ProductVersion.ofServer(info.serverVersion()).ifPresent(v -> {
            if (!t.server.atLeast(v.major(), v.minor())) {
                LOG.warn(
                        "the backup comes from {} {}, the server at {} is older ({}); the restore may fail on"
                                + " features the older server lacks (it is rolled back if it does)",
                        info.product(),
                        v,
                        where(),
                        t.server);
            }
        });
    }

    @Override
    public boolean gatesCommit() {
        return true;
    }

    @Override
    public void restore(DumpSource source) {
        Objects.requireNonNull(source, "source");
        checkDumpKind(source.info());
        checkHeader(source);
        Tools t = resolve(true);
        checkProduct(source.info(), t);
        Optional<Connection> lockSessionHeld = lockSession.held();
        if (lockSessionHeld.isPresent()) { // the target lock's session: no login of its own
            // a session kept by a description while the lock was held (the safety backup's) would count
            lockSession.take().ifPresent(MysqlDumper::closeQuietly);
            MysqlSessions.handle(lockSessionHeld.get(), source.terminateSessions(), url.database(), lockName());
        } else {
            checkOtherSessions(source);
        }
        // kept aside, the rollback snapshot is the replaced state: it goes where it outlives the restore
        boolean keepAside = source.keepAside().isPresent();
        Path work = keepAside ? source.asideDir() : source.workDir();
        Path snapshot;
        boolean kept = false;
        try {
            snapshot = Files.createTempFile(
                    work,
                    keepAside ? ASIDE_PREFIX + url.database().replaceAll("[^A-Za-z0-9_-]", "_") + "-" : "rollback-",
                    ".sql",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot create the rollback snapshot file in " + work + " (" + e.getMessage()
                            + "); nothing was changed. Free disk space or fix the folder's permissions",
                    e);
        }
        try {
            takeSnapshot(t, snapshot);
            source.recoveryPoint(snapshot.toString()); // a killed process is rolled back from it
            Instant start = Instant.now();
            try {
                dropAllObjects();
                try (InputStream in = source.open()) {
                    load(t, in, "the backup");
                }
                if (keepAside) {
                    source.keptAside(snapshot.toString());
                }
                source.beforeCommit(); // the other parts of the restore are verified and in place
                kept = keepAside;
                LOG.info(
                        "restored database {} from a {} dump in {}",
                        url.database(),
                        source.info().product(),
                        Duration.between(start, Instant.now()));
            } catch (Exception e) {
                throw rollBack(t, snapshot, e, source);
            }
        } finally {
            try {
                if (!kept) {
                    Files.deleteIfExists(snapshot); // gone already when it had to be kept (moved away)
                }
            } catch (IOException e) {
                LOG.warn("cannot delete the rollback snapshot {}: {}", snapshot, e.toString());
            }
        }
    }

    /** A killed restore's snapshot is loaded back unless it had passed its commit gate. */
    @Override
    public boolean recoverRestore(String token, boolean committing) {
        if (committing) {
            return true; // the backup was loaded whole before the gate
        }
        Path snapshot = Path.of(token);
        if (!Files.isRegularFile(snapshot)) {
            throw new UnableToRestoreDatabaseException("an interrupted restore of database '" + url.database()
                    + "' left it half loaded, and its rollback snapshot " + snapshot + " is gone: restore a"
                    + " backup (the pre-restore safety backup holds the state before it)");
        }
        Tools t = resolve(true);
        try {
            dropAllObjects();
            try (InputStream in = Files.newInputStream(snapshot)) {
                load(t, in, "the rollback snapshot");
            }
        } catch (IOException | RuntimeException e) {
            throw new UnableToRestoreDatabaseException(
                    "putting database '" + url.database() + "' back after an interrupted restore failed ("
                            + describeFailure(e) + "); its state from before is in " + snapshot + " (load it into"
                            + " the emptied database with the " + t.client.name + " client)",
                    e);
        }
        LOG.warn("database {} put back from the rollback snapshot of an interrupted restore", url.database());
        if (snapshot.getFileName().toString().startsWith(ASIDE_PREFIX)) {
            dropAside(token); // it was to be kept aside only if the restore committed
        }
        return false;
    }

    private static final String ASIDE_PREFIX = ".backupkit-aside-";

    /**
     * The rollback snapshot every restore takes is what is kept aside: MariaDB and MySQL have no
     * atomic swap of a whole database's views, routines, triggers and events, so the restore stays in
     * place and the snapshot is kept instead of deleted.
     */
    @Override
    public Optional<String> whyNotKeepAside() {
        return Optional.empty();
    }

    /** Loads the kept snapshot as a restore of its own (which takes a rollback snapshot first). */
    @Override
    public void rollbackAside(String token, DumpSource context) {
        Path snapshot = Path.of(token);
        if (!Files.isRegularFile(snapshot)) {
            throw new UnableToRestoreDatabaseException(
                    "the state kept aside, " + snapshot + ", is gone: cannot roll back. Nothing was changed");
        }
        DatabaseDescription d = describe();
        io.backupkit.backup.DatabaseInfo info = new io.backupkit.backup.DatabaseInfo(
                id(), d.product(), d.serverVersion(), d.tool(), d.toolVersion(), format());
        restore(new DumpSource() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(snapshot);
            }

            @Override
            public Path toFile() {
                return snapshot;
            }

            @Override
            public Path workDir() {
                return context.workDir();
            }

            @Override
            public io.backupkit.backup.DatabaseInfo info() {
                return info;
            }

            @Override
            public void beforeCommit() {
                context.beforeCommit();
            }

            @Override
            public boolean terminateSessions() {
                return context.terminateSessions();
            }

            @Override
            public Duration lockTimeout() {
                return context.lockTimeout();
            }

            @Override
            public void recoveryPoint(String t) {
                context.recoveryPoint(t);
            }

            @Override
            public void rollbackFailed(String t) {
                context.rollbackFailed(t);
            }
        });
        dropAside(token);
    }

    /** See {@link MysqlWrites}. */
    @Override
    public Optional<String> writeMark() {
        return new MysqlWrites(this::connect, url.database()).mark();
    }

    @Override
    public Optional<String> writtenSince(String mark) {
        return new MysqlWrites(this::connect, url.database()).since(mark);
    }

    @Override
    public void dropAside(String token) {
        try {
            Files.deleteIfExists(Path.of(token));
        } catch (IOException e) {
            LOG.warn("cannot delete the state kept aside, {}: {}", token, e.toString());
        }
    }

    /**
     * {@code GET_LOCK('backupkit:<database>', 0)} on a connection of its own, held until closed. User
     * locks conflict with nothing else, so the restore's own sessions never wait on it.
     */
    @Override
    public TargetLock lockTarget() {
        Optional<Connection> offered = lockSession.takeOrLogIn();
        try {
            return lockTarget(offered);
        } finally {
            if (offered.isEmpty()) {
                lockSession.loggedIn(); // after the session is held: a version read waiting uses it
            }
        }
    }

    private TargetLock lockTarget(Optional<Connection> offered) {
        String name = lockName();
        Connection c;
        try {
            c = offered.isPresent() ? offered.get() : connect();
        } catch (SQLException e) {
            // the operation's own connection fails next, with the message that fits it
            LOG.warn("cannot lock database {}: {}", url.database(), safe(e.getMessage()));
            return TargetLock.NONE;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) == 1) {
                    lockSession.hold(c);
                    return () -> {
                        lockSession.hold(null);
                        closeQuietly(c);
                    };
                }
            }
            String holder = lockHolder(c, name);
            closeQuietly(c);
            throw new io.backupkit.backup.BackupInProgressException(
                    holder,
                    null,
                    "another backup or restore of database '" + url.database() + "' is running (" + holder
                            + ", holding the lock " + name + "); wait for it to finish and try again");
        } catch (SQLException e) {
            closeQuietly(c);
            throw new UnableToDumpDatabaseException(
                    "cannot take the lock " + name + " on database '" + url.database() + "': " + safe(e.getMessage()),
                    e);
        }
    }

    /**
     * Other sessions on the database when no target lock is held: on the session a description kept
     * for a lock that never came (it would count as another session), or on one of its own.
     */
    private void checkOtherSessions(DumpSource source) {
        Optional<Connection> kept = lockSession.take();
        try (Connection c = kept.isPresent() ? kept.get() : connect()) {
            MysqlSessions.handle(c, source.terminateSessions(), url.database(), lockName());
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot connect to database '" + url.database() + "' (" + safe(e.getMessage())
                            + "); nothing was changed",
                    e);
        }
    }

    private String lockName() {
        String n = "backupkit:" + url.database();
        return n.length() <= 64 ? n : n.substring(0, 64);
    }

    /** Who holds the user lock: its connection id, and user and host where the server shows them. */
    private static String lockHolder(Connection c, String name) {
        long id;
        try (PreparedStatement ps = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getObject(1) == null) {
                    return "another session (it has just released the lock)";
                }
                id = rs.getLong(1);
            }
        } catch (SQLException e) {
            return "another session";
        }
        String who = "connection " + id;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    who += " of " + rs.getString(1) + " from " + rs.getString(2);
                }
            }
        } catch (SQLException e) {
            // no PROCESS privilege: the id is all we can say
        }
        return who;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close(); // ends the session: the server releases its user lock
        } catch (SQLException e) {
            // gone already
        }
    }

    // ---------------------------------------------------------------- restore steps

    private void checkHeader(DumpSource source) {
        byte[] head = new byte[512];
        int n = 0;
        try (InputStream in = source.open()) {
            int r;
            while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
                n += r;
            }
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot read the database dump (" + e.getMessage() + "); nothing was changed", e);
        }
        String text = new String(head, 0, n, StandardCharsets.UTF_8);
        if (text.startsWith(SANDBOX_LINE)) {
            int nl = text.indexOf('\n');
            text = nl >= 0 ? text.substring(nl + 1) : "";
        }
        if (!(text.startsWith("-- MariaDB dump") || text.startsWith("-- MySQL dump"))) {
            throw new UnableToRestoreDatabaseException("the database dump does not start like a mariadb-dump/mysqldump"
                    + " file (" + (n == 0 ? "it is empty" : "unexpected first bytes")
                    + "); it is damaged or not a dump of this kind. Nothing was changed");
        }
    }

    private void takeSnapshot(Tools t, Path snapshot) {
        try (OutputStream out = Files.newOutputStream(snapshot)) {
            long bytes = runDump(t, out);
            LOG.info("rollback snapshot of database {} taken before the restore: {} bytes", url.database(), bytes);
        } catch (IOException | BackupException | NativeProcess.ToolTimeoutException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot take the rollback snapshot of database '" + url.database()
                            + "' that makes the restore all-or-nothing: " + e.getMessage()
                            + ". Nothing was changed",
                    e);
        }
    }

    /**
     * Puts the snapshot back after a failed restore and returns the exception to throw. If that fails
     * too, the snapshot is moved out of the work folder (which is deleted) and its path is named.
     */
    private BackupException rollBack(Tools t, Path snapshot, Exception failure, DumpSource source) {
        boolean interrupted = Thread.interrupted() || failure instanceof BackupCancelledException;
        String cause = describeFailure(failure);
        try {
            LOG.warn("restore of database {} failed ({}); putting the previous state back", url.database(), cause);
            dropAllObjects();
            try (InputStream in = Files.newInputStream(snapshot)) {
                load(t, in, "the rollback snapshot");
            }
        } catch (Exception rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
            Path kept = snapshot;
            try {
                kept = Files.move(
                        snapshot,
                        Path.of(System.getProperty("java.io.tmpdir"))
                                .resolve("backupkit-rollback-" + url.database() + "-"
                                        + Instant.now().toEpochMilli() + ".sql"));
            } catch (IOException | RuntimeException moveFailure) {
                failure.addSuppressed(moveFailure);
            }
            source.rollbackFailed(kept.toString()); // the next operation on the database tries again
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            LOG.error(
                    "restore of database {} failed and so did putting the previous state back; the state before"
                            + " the restore is saved in {}",
                    url.database(),
                    kept);
            return new UnableToRestoreDatabaseException(
                    "restoring database '" + url.database() + "' failed (" + cause
                            + ") and putting the previous state back failed too ("
                            + describeFailure(rollbackFailure) + "): the database is in an unknown state. Its state"
                            + " before the restore is saved in " + kept + " (load it into the emptied database"
                            + " with the " + t.client.name + " client) and in the pre-restore safety backup",
                    failure);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            return new BackupCancelledException(
                    "the restore of database '" + url.database()
                            + "' was cancelled; the database was put back as it was before the restore",
                    failure);
        }
        return new UnableToRestoreDatabaseException(
                "restoring database '" + url.database() + "' failed: " + cause
                        + ". The database was put back as it was before the restore; nothing was lost",
                failure);
    }

    private static String describeFailure(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Drops every object of the database: events, routines, views, tables and sequences. */
    void dropAllObjects() {
        String db = url.database();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("SET SESSION FOREIGN_KEY_CHECKS = 0");
            s.execute("SET SESSION lock_wait_timeout = " + lockWaitSeconds);
            for (String e : names(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?", db)) {
                s.execute("DROP EVENT IF EXISTS " + q(db) + "." + q(e));
            }
            List<String[]> routines = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ROUTINE_TYPE, ROUTINE_NAME FROM"
                    + " information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE DESC")) {
                ps.setString(1, db);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        routines.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            for (String[] r : routines) {
                // ORDER BY type DESC: PROCEDURE, PACKAGE BODY, PACKAGE, FUNCTION (a body before its package)
                s.execute("DROP " + r[0] + " IF EXISTS " + q(db) + "." + q(r[1]));
            }
            for (String v : names(c, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?", db)) {
                s.execute("DROP VIEW IF EXISTS " + q(db) + "." + q(v));
            }
            List<String[]> tables = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, TABLE_TYPE FROM"
                    + " information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW'")) {
                ps.setString(1, db);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            for (String[] table : tables) {
                String kind = "SEQUENCE".equals(table[1]) ? "SEQUENCE" : "TABLE";
                s.execute("DROP " + kind + " IF EXISTS " + q(db) + "." + q(table[0]));
            }
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot empty database '" + db + "' before loading the dump: " + safe(e.getMessage()) + sqlHint(e),
                    e);
        }
    }

    /** Feeds a dump to the client; throws unless it loaded completely. */
    private void load(Tools t, InputStream source, String what) throws IOException {
        BufferedInputStream in = new BufferedInputStream(source, BUFFER);
        in.mark(SANDBOX_LINE.length() + 4);
        byte[] first = in.readNBytes(SANDBOX_LINE.length());
        DumpTail tail = new DumpTail();
        boolean strip = new String(first, StandardCharsets.UTF_8).equals(SANDBOX_LINE)
                && !t.client.version.understandsSandboxLine();
        in.reset();
        if (strip) {
            // the client would stop on the line: skip it up to its line end (it carries no SQL)
            byte[] line = in.readNBytes(SANDBOX_LINE.length());
            tail.update(line, 0, line.length);
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                // the rest of the line (a trailing blank)
            }
            LOG.debug("removed the sandbox first line for {} {}", t.client.name, t.client.version);
        }
        List<String> argv = new ArrayList<>();
        argv.add(t.client.path.toString());
        argv.add("--defaults-extra-file={mycnf}");
        argv.addAll(connectionArgs());
        argv.add("--default-character-set=utf8mb4");
        argv.add("--binary-mode");
        argv.add("--batch");
        argv.add("--max-allowed-packet=1G");
        argv.add("--init-command=SET SESSION lock_wait_timeout=" + lockWaitSeconds);
        argv.addAll(restoreArgs);
        argv.add(url.database());
        NativeProcess p =
                builder(argv).feedStdin().stdoutTo(Path.of("/dev/null")).start();
        try (p;
                InterruptWatch watch = new InterruptWatch(p)) {
            byte[] buf = new byte[BUFFER];
            OutputStream stdin = p.stdin();
            IOException writeFailure = null;
            while (true) {
                if (Thread.interrupted()) {
                    p.kill();
                    throw new BackupCancelledException("the restore was cancelled while loading " + what, null);
                }
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    p.kill(); // never let the client run a partial dump to the end
                    throw new IOException("cannot read " + what + ": " + e.getMessage(), e);
                }
                if (n < 0) {
                    break;
                }
                tail.update(buf, 0, n);
                if (tail.invalidSoFar() >= 0) { // a character cut by this read is finished by the next
                    p.kill();
                    throw notUtf8(what, tail.invalidSoFar());
                }
                try {
                    stdin.write(buf, 0, n);
                } catch (IOException e) {
                    writeFailure = e; // the client stopped reading: its exit code and stderr say why
                    break;
                }
            }
            if (writeFailure == null && tail.invalidUtf8At() >= 0) {
                p.kill();
                throw notUtf8(what, tail.invalidUtf8At());
            }
            if (writeFailure == null && !tail.completed()) {
                p.kill();
                throw new IOException(what + " is incomplete: its last line is not mariadb-dump/mysqldump's"
                        + " '-- Dump completed' (truncated after " + tail.total() + " bytes)");
            }
            try {
                stdin.close();
            } catch (IOException e) {
                if (writeFailure == null) {
                    writeFailure = e;
                }
            }
            int rc;
            try {
                rc = p.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupCancelledException("the restore was cancelled while loading " + what, e);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new BackupCancelledException(
                        "the restore was cancelled while loading " + what + "; " + t.client.name + " was killed", null);
            }
            if (rc != 0) {
                throw new IOException(t.client.name + " stopped loading " + what + " with exit code " + rc + ": "
                        + errorSummary(safe(p.stderrTail())));
            }
            if (writeFailure != null) {
                throw new IOException(
                        t.client.name + " stopped reading " + what + " (" + writeFailure.getMessage() + "): "
                                + tailOrNothing(p.stderrTail()),
                        writeFailure);
            }
        }
    }

    // ---------------------------------------------------------------- dump

    /** Runs the dump tool into {@code out}; returns the number of bytes. */
    private long runDump(Tools t, OutputStream out) {
        List<String> argv = new ArrayList<>();
        argv.add(t.dumpTool.path.toString());
        argv.add("--defaults-extra-file={mycnf}");
        argv.addAll(connectionArgs());
        argv.addAll(List.of(
                "--single-transaction",
                "--skip-lock-tables",
                "--routines",
                "--triggers",
                "--events",
                "--hex-blob",
                "--default-character-set=utf8mb4",
                "--quick",
                "--no-tablespaces",
                "--comments",
                "--max-allowed-packet=1G"));
        if (!t.server.mariadb()) {
            argv.add("--set-gtid-purged=OFF");
        }
        argv.addAll(dumpArgs);
        argv.add(url.database());
        NativeProcess p;
        try {
            p = builder(argv).start();
        } catch (IOException e) {
            throw new DatabaseToolException(
                    t.dumpTool.name, "cannot start " + t.dumpTool.path + ": " + e.getMessage(), e);
        }
        DumpTail tail = new DumpTail();
        try (p;
                InterruptWatch watch = new InterruptWatch(p)) {
            InputStream in = p.stdout();
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (Thread.currentThread().isInterrupted()) {
                    p.kill();
                    throw new BackupCancelledException("the database dump was cancelled", null);
                }
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    p.kill();
                    throw new UnableToDumpDatabaseException(
                            "writing the database dump failed after " + tail.total() + " bytes: " + e.getMessage(), e);
                }
                tail.update(buf, 0, n);
            }
            int rc = p.await();
            if (Thread.currentThread().isInterrupted()) {
                throw new BackupCancelledException(
                        "the database dump was cancelled; " + t.dumpTool.name + " was killed", null);
            }
            if (rc != 0) {
                throw dumpFailure(t, rc, p.stderrTail());
            }
            if (!tail.completed()) {
                throw new UnableToDumpDatabaseException(t.dumpTool.name + " exited 0 but its output ended without"
                        + " the '-- Dump completed' line after " + tail.total() + " bytes; the dump is incomplete."
                        + " Stderr: " + tailOrNothing(p.stderrTail()));
            }
            return tail.total();
        } catch (IOException e) {
            throw new UnableToDumpDatabaseException(
                    "reading the output of " + t.dumpTool.name + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException("the database dump was cancelled", e);
        } catch (NativeProcess.ToolTimeoutException e) {
            throw new UnableToDumpDatabaseException(
                    e.getMessage() + "; raise the database timeout if the database is that large", e);
        }
    }

    private UnableToDumpDatabaseException dumpFailure(Tools t, int rc, String stderr) {
        String err = safe(stderr);
        String hint;
        if (err.contains("1045")) {
            hint = "the server refused the login of user '" + user + "': check the database user and password";
        } else if (err.contains("1049")) {
            hint = "database '" + url.database() + "' does not exist at " + where() + ": check the database URL";
        } else if (err.contains("1044") || err.contains("1142") || err.contains("1227") || err.contains("1370")) {
            hint = "user '" + user + "' lacks a privilege the dump needs (SELECT, SHOW VIEW, TRIGGER, EVENT, and"
                    + " reading routine bodies on '" + url.database() + "')";
        } else if (err.contains("insufficient privileges")) {
            hint = "user '" + user + "' may not read the stored routines' bodies; grant SELECT on mysql.proc"
                    + " (MariaDB < 11.3), SHOW CREATE ROUTINE (MariaDB 11.3+) or SHOW_ROUTINE (MySQL), or dump as"
                    + " their definer";
        } else if (err.contains("2002") || err.contains("2003") || err.contains("2005")) {
            hint = "cannot connect to the server at " + where() + ": is it running and reachable?";
        } else {
            hint = "see the tool's message";
        }
        return new UnableToDumpDatabaseException(t.dumpTool.name + " failed with exit code " + rc + ": " + hint + ". "
                + t.dumpTool.name + " said: " + tailOrNothing(err));
    }

    private void warnAboutNonTransactionalTables(Consumer<String> warnings) {
        List<String> tables;
        try {
            tables = nonTransactionalTables();
        } catch (SQLException e) {
            LOG.debug("cannot list the table engines of {}: {}", url.database(), safe(e.getMessage()));
            return;
        }
        if (!tables.isEmpty()) {
            String warning = "database " + url.database() + " has tables with non-transactional engines whose rows"
                    + " are not part of the consistent snapshot (changes made while the dump runs may be half in it): "
                    + String.join(", ", tables) + ". Convert them to InnoDB for consistent backups";
            LOG.warn(warning);
            warnings.accept(warning);
        }
    }

    /** Tables whose engine has no transactions, as {@code name (ENGINE)}. */
    List<String> nonTransactionalTables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = connect();
                PreparedStatement ps =
                        c.prepareStatement("SELECT t.TABLE_NAME, t.ENGINE FROM information_schema.TABLES t"
                                + " JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE"
                                + " WHERE t.TABLE_SCHEMA = ? AND t.TABLE_TYPE = 'BASE TABLE' AND e.TRANSACTIONS <> 'YES'"
                                + " ORDER BY t.TABLE_NAME")) {
            ps.setString(1, url.database());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1) + " (" + rs.getString(2) + ")");
                }
            }
        }
        return tables;
    }

    // ---------------------------------------------------------------- server, tools, privileges

    /**
     * Kills a tool as soon as the calling thread is interrupted, even while that thread blocks in a
     * read from or a write to the tool's pipes (which do not react to interrupts). Ends with the tool.
     */
    private static final class InterruptWatch implements AutoCloseable {
        private final Thread watcher;
        private volatile boolean done;

        InterruptWatch(NativeProcess p) {
            Thread caller = Thread.currentThread();
            Process process = p.process();
            this.watcher = new Thread(
                    () -> {
                        try {
                            while (!done && process.isAlive()) {
                                if (caller.isInterrupted()) {
                                    process.destroyForcibly();
                                    return;
                                }
                                process.waitFor(100, TimeUnit.MILLISECONDS);
                            }
                        } catch (InterruptedException e) {
                            // closed
                        }
                    },
                    "mysql-dumper-watch-" + process.pid());
            watcher.setDaemon(true);
            watcher.start();
        }

        @Override
        public void close() {
            done = true;
            watcher.interrupt();
        }
    }

    /** The server and the tools resolved for one operation. */
    private record Tools(ProductVersion server, String serverVersionText, Tool dumpTool, Tool client, long sizeBytes) {}

    /** A located and checked tool. */
    private record Tool(String name, Path path, ProductVersion version) {}

    private Tools resolve(boolean forRestore) {
        ProductVersion server;
        String versionText;
        long sizeBytes;
        // for a create, the session is handed to the target lock that follows (one login less)
        boolean keep = !forRestore;
        boolean handedOver = false;
        Connection c = null;
        Optional<Connection> lockHeld = keep ? lockSession.borrowHeldOrLogIn() : Optional.empty();
        try {
            if (lockHeld.isPresent()) { // the lock came first: read on its session
                handedOver = true;
                c = lockHeld.get();
            } else {
                c = connect();
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT VERSION(), (SELECT SUM(data_length + index_length)"
                            + " FROM information_schema.tables WHERE table_schema = DATABASE())")) {
                rs.next();
                versionText = rs.getString(1);
                long size = rs.getLong(2);
                sizeBytes = rs.wasNull() ? -1 : size;
            }
            server = ProductVersion.ofServer(versionText)
                    .orElseThrow(() -> new UnableToDumpDatabaseException(
                            "cannot read the server version from '" + versionText + "' at " + where()));
            checkPrivileges(c, server, forRestore);
            if (keep && !handedOver) {
                lockSession.offer(c);
                handedOver = true;
            }
        } catch (SQLException e) {
            throw connectFailure(e, forRestore);
        } finally {
            if (!handedOver) {
                if (c != null) {
                    closeQuietly(c);
                }
                if (keep) {
                    lockSession.offer(null);
                }
            }
        }
        Tool dump = findTool(server, server.mariadb() ? List.of("mariadb-dump", "mysqldump") : List.of("mysqldump"));
        Tool client =
                forRestore ? findTool(server, server.mariadb() ? List.of("mariadb", "mysql") : List.of("mysql")) : null;
        String shortVersion = versionText.contains("-") && !versionText.startsWith("5.5.5-")
                ? versionText.substring(0, versionText.indexOf('-'))
                : server.toString();
        return new Tools(server, shortVersion, dump, client, sizeBytes);
    }

    private Tool findTool(ProductVersion server, List<String> names) {
        List<String> tried = new ArrayList<>();
        String mismatch = null;
        for (String name : names) {
            Optional<Path> path = locate(name);
            if (path.isEmpty()) {
                tried.add(name);
                continue;
            }
            String out = toolVersion(name, path.get());
            Optional<ProductVersion> v = ProductVersion.ofTool(out);
            if (v.isEmpty()) {
                mismatch = path.get() + " printed no version I can read ('" + out.strip() + "')";
                continue;
            }
            if (v.get().mariadb() != server.mariadb()) {
                mismatch = path.get() + " is the " + v.get().product() + " " + v.get() + " tool, but the server is "
                        + server.product() + " " + server + "; " + v.get().product() + "'s tools do not dump or"
                        + " restore the other product reliably";
                continue;
            }
            if (!v.get().atLeast(server.major(), server.minor())) {
                throw new DatabaseToolException(
                        name,
                        path.get() + " is version " + v.get() + ", older than the " + server.product() + " server ("
                                + server + "); install the " + server.product() + " " + server.major() + "."
                                + server.minor() + " client tools or newer and point database.options.bin_dir at"
                                + " them");
            }
            return new Tool(name, path.get(), v.get());
        }
        String where = binDir != null ? "in " + binDir + " (database.options.bin_dir)" : "on the PATH";
        throw new DatabaseToolException(
                names.get(0),
                (mismatch != null ? mismatch : "no " + String.join(" or ", tried) + " found " + where)
                        + "; install the " + server.product() + " client tools (" + server.major() + "."
                        + server.minor() + " or newer) or set database.options.bin_dir to their folder");
    }

    private Optional<Path> locate(String name) {
        if (binDir != null) {
            Path p = binDir.resolve(name);
            return Files.isExecutable(p) && !Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String toolVersion(String name, Path path) {
        try (NativeProcess p = NativeProcess.command(List.of(path.toString(), "--version"))
                .clearEnv("MYSQL")
                .clearEnv("MARIADB")
                .timeout(VERSION_TIMEOUT)
                .start()) {
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.await();
            if (rc != 0) {
                throw new DatabaseToolException(
                        name, path + " --version failed with exit code " + rc + ": " + tailOrNothing(p.stderrTail()));
            }
            return out;
        } catch (IOException | NativeProcess.ToolTimeoutException e) {
            throw new DatabaseToolException(name, "cannot run " + path + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException("cancelled while checking " + path, e);
        }
    }

    /**
     * Refuses to go on when the user could not dump everything: mysqldump silently leaves out the
     * triggers, routines and events the user may not see.
     */
    private void checkPrivileges(Connection c, ProductVersion server, boolean forRestore) throws SQLException {
        String db = url.database();
        String who = "user '" + user + "'";
        List<String> missing = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW EVENTS FROM " + q(db))) {
            while (rs.next()) {
                // only whether it is allowed
            }
        } catch (SQLException e) {
            if (isPrivilegeError(e)) {
                missing.add("EVENT (to dump the events)");
            } else {
                throw e;
            }
        }
        if (!hasPrivilege(c, db, "TRIGGER")) {
            missing.add("TRIGGER (to see the triggers)");
        }
        boolean routinesVisible = hasPrivilege(c, db, "EXECUTE")
                || hasPrivilege(c, db, "ALTER ROUTINE")
                || hasPrivilege(c, db, "SHOW CREATE ROUTINE")
                || hasPrivilege(c, db, "SHOW_ROUTINE")
                || hasGlobalPrivilege(c, "SELECT")
                || (server.mariadb() && canRead(c, "SELECT 1 FROM mysql.proc LIMIT 1"));
        if (!routinesVisible) {
            missing.add("EXECUTE or ALTER ROUTINE (to see the stored procedures and functions)");
        } else {
            List<String> hidden = names(
                    c,
                    "SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) FROM information_schema.ROUTINES"
                            + " WHERE ROUTINE_SCHEMA = ? AND ROUTINE_DEFINITION IS NULL",
                    db);
            if (!hidden.isEmpty()) {
                missing.add((server.mariadb()
                                ? "SELECT on mysql.proc or SHOW CREATE ROUTINE"
                                : "SHOW_ROUTINE or global SELECT")
                        + " (to read the bodies of " + String.join(", ", hidden) + ")");
            }
        }
        if (forRestore) {
            for (String priv : List.of("CREATE", "DROP")) {
                if (!hasPrivilege(c, db, priv)) {
                    missing.add(priv + " (to replace the tables)");
                }
            }
            List<String> foreign = objectsOfOtherDefiners(c, db);
            if (!foreign.isEmpty()
                    && List.of("SUPER", "SET USER", "SET_USER_ID", "SET_ANY_DEFINER").stream()
                            .noneMatch(p -> hasGlobalPrivilegeUnchecked(c, p))) {
                // the rollback snapshot could not be loaded back: refuse before anything is dropped
                missing.add("SET USER or SUPER (SET_ANY_DEFINER on MySQL) to recreate objects defined by other"
                        + " users: " + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                        + (foreign.size() > 5 ? ", ..." : ""));
            }
        }
        if (!missing.isEmpty()) {
            String msg = who + " lacks privileges on database '" + db + "' that a complete "
                    + (forRestore ? "restore" : "dump") + " needs: " + String.join("; ", missing)
                    + ". Grant them (GRANT ... ON `" + db + "`.* TO ...) or use an account that has them";
            if (forRestore) {
                throw new UnableToRestoreDatabaseException(msg + "; nothing was changed");
            }
            throw new UnableToDumpDatabaseException(msg);
        }
    }

    /** Views, routines, triggers and events of {@code db} whose DEFINER is not the current user. */
    private static List<String> objectsOfOtherDefiners(Connection c, String db) throws SQLException {
        String sql = "SELECT CONCAT('view ', TABLE_NAME, ' (', DEFINER, ')') FROM information_schema.VIEWS"
                + " WHERE TABLE_SCHEMA = ? AND DEFINER <> CURRENT_USER()"
                + " UNION ALL SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME, ' (', DEFINER, ')')"
                + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND DEFINER <> CURRENT_USER()"
                + " UNION ALL SELECT CONCAT('trigger ', TRIGGER_NAME, ' (', DEFINER, ')') FROM"
                + " information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND DEFINER <> CURRENT_USER()"
                + " UNION ALL SELECT CONCAT('event ', EVENT_NAME, ' (', DEFINER, ')') FROM information_schema.EVENTS"
                + " WHERE EVENT_SCHEMA = ? AND DEFINER <> CURRENT_USER()";
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, db);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static boolean hasGlobalPrivilegeUnchecked(Connection c, String privilege) {
        try {
            return hasGlobalPrivilege(c, privilege);
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean isPrivilegeError(SQLException e) {
        int code = e.getErrorCode();
        return code == 1044 || code == 1142 || code == 1227 || code == 1370 || code == 1045;
    }

    private static boolean canRead(Connection c, String sql) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static final String GRANTEE = "CONCAT('''', SUBSTRING(CURRENT_USER(), 1, CHAR_LENGTH(CURRENT_USER())"
            + " - CHAR_LENGTH(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)) - 1), '''@''',"
            + " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";

    private static boolean hasGlobalPrivilege(Connection c, String privilege) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.USER_PRIVILEGES"
                + " WHERE GRANTEE = " + GRANTEE + " AND PRIVILEGE_TYPE = ?")) {
            ps.setString(1, privilege);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean hasPrivilege(Connection c, String db, String privilege) throws SQLException {
        if (hasGlobalPrivilege(c, privilege)) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES"
                + " WHERE GRANTEE = " + GRANTEE + " AND PRIVILEGE_TYPE = ? AND ? LIKE TABLE_SCHEMA")) {
            ps.setString(1, privilege);
            ps.setString(2, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<String> names(Connection c, String sql, String db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    // ---------------------------------------------------------------- connections and processes

    /** A JDBC connection with the configured credentials. */
    Connection connect() throws SQLException {
        Properties props = new Properties();
        if (config.user() != null) {
            props.setProperty("user", config.user());
        }
        if (config.password() != null) {
            props.setProperty("password", config.password().reveal());
        }
        try {
            return DriverManager.getConnection(config.jdbcUrl(), props);
        } catch (SQLException e) {
            String lower = config.jdbcUrl().toLowerCase(Locale.ROOT);
            if (lower.startsWith("jdbc:mysql:") && isNoDriver(e)) {
                // no MySQL Connector/J: the MariaDB driver speaks to MySQL too when allowed to take the URL
                String alt = config.jdbcUrl() + (config.jdbcUrl().contains("?") ? "&" : "?") + "permitMysqlScheme";
                return DriverManager.getConnection(alt, props);
            }
            throw e;
        }
    }

    private static boolean isNoDriver(SQLException e) {
        return e.getMessage() != null && e.getMessage().startsWith("No suitable driver");
    }

    private BackupException connectFailure(SQLException e, boolean forRestore) {
        String msg;
        int code = e.getErrorCode();
        if (isNoDriver(e)) {
            msg = "no JDBC driver for " + config.safeUrl()
                    + " on the class path; add org.mariadb.jdbc:mariadb-java-client"
                    + " (or MySQL Connector/J) to the application";
        } else if (code == 1045) {
            msg = "the server at " + where() + " refused the login of user '" + user
                    + "' (wrong password or unknown user): check the database user and password";
        } else if (code == 1049) {
            msg = "database '" + url.database() + "' does not exist at " + where()
                    + ": create it or fix the database name in the URL";
        } else if (code == 1044) {
            msg = "user '" + user + "' has no access to database '" + url.database() + "' at " + where()
                    + ": grant it or use another account";
        } else if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            msg = "cannot connect to the database server at " + where() + " (" + safe(e.getMessage())
                    + "): is it running and reachable? Check the database URL";
        } else {
            msg = "cannot read the database server at " + where() + ": " + safe(e.getMessage());
        }
        return forRestore
                ? new UnableToRestoreDatabaseException(msg + "; nothing was changed", e)
                : new UnableToDumpDatabaseException(msg, e);
    }

    private static String sqlHint(SQLException e) {
        return isPrivilegeError(e) ? " (a missing privilege: grant DROP on the database)" : "";
    }

    private NativeProcess.Builder builder(List<String> argv) {
        return NativeProcess.command(argv)
                .clearEnv("MYSQL")
                .clearEnv("MARIADB")
                .secretFileArg("mycnf", optionFile(user, password))
                .timeout(config.timeout());
    }

    private List<String> connectionArgs() {
        if (socket != null) {
            return List.of("--protocol=SOCKET", "--socket=" + socket);
        }
        return List.of("--protocol=TCP", "--host=" + url.host(), "--port=" + url.port());
    }

    /** The {@code [client]} option file with the credentials, values quoted and escaped. */
    static String optionFile(String user, Secret password) {
        StringBuilder sb = new StringBuilder("[client]\n");
        if (user != null) {
            sb.append("user=").append(quote(user)).append('\n');
        }
        if (password != null) {
            sb.append("password=").append(quote(password.reveal())).append('\n');
        }
        return sb.toString();
    }

    /** Quotes an option file value: {@code "..."} with backslash, quotes and control characters escaped. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                default -> sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    private String where() {
        return socket != null ? socket : url.host() + ":" + url.port();
    }

    /** Removes the password from a message, in case a driver or tool echoes it. */
    private String safe(String message) {
        if (message == null) {
            return "";
        }
        String m = message;
        if (password != null && !password.isEmpty() && password.reveal().length() >= 3) {
            m = m.replace(password.reveal(), "******");
        }
        return m.replaceAll("(?i)(password=)[^&;\\s]*", "$1******");
    }

    /** The client's {@code ERROR ...} lines if it printed any (it also echoes the failed statement). */
    static String errorSummary(String stderr) {
        List<String> errors = stderr.lines()
                .filter(l -> l.startsWith("ERROR") || l.contains(": Got error") || l.contains("Couldn't"))
                .toList();
        return errors.isEmpty() ? tailOrNothing(stderr) : String.join(" / ", errors);
    }

    private static String tailOrNothing(String s) {
        return s == null || s.isBlank() ? "(no message)" : s;
    }

    static String q(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return "MysqlDumper[" + config.safeUrl() + ", user=" + user + "]";
    }

    private static IOException notUtf8(String what, long at) {
        return new IOException(what + " is damaged: byte " + at
                + " is not valid UTF-8 (a dump written with utf8mb4 and --hex-blob always is)");
    }
}
