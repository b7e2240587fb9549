package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.db.mysql.MysqlTools.Toolset;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.support.NativeProcess;
import io.backupkit.backup.spi.support.SessionHandOver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
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
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mysql} dumper: MySQL 8 and MariaDB 10.6+ through their own dump and client tools, at the
 * server's version or newer. The one thing to know: their DDL is not transactional, so a restore first
 * dumps the current database into a rollback snapshot ({@link MysqlKeepAside}) and loads it back on
 * any failure; other sessions can see the database half loaded meanwhile. Immutable and thread-safe,
 * but restores of one database must not overlap. Options, and why not a staging database: {@code
 * docs/NOTES-PROVIDERS.md}.
 */
public final class MysqlDumper implements DatabaseDumper {
    /** Options this dumper reads. */
    public static final Set<String> OPTIONS = MysqlOptions.KEYS;

    private static final Logger LOG = LoggerFactory.getLogger(MysqlDumper.class);
    private static final int BUFFER = 1 << 16;

    private final DatabaseConfig config;
    private final MysqlUrl url;
    private final MysqlOptions options;
    private final MysqlConnection connection;
    private final MysqlTools tools;
    /** The create's or restore's one JDBC session, shared by the version read, the lock and the session check. */
    private final MysqlLockSession lockSession;

    private final MysqlLoad load;
    private final MysqlKeepAside keepAside;

    /** Creates a dumper; the URL and options are checked here, the server is contacted later. */
    public MysqlDumper(DatabaseConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        ProviderOptions providerOptions = config.options().requireOnly(OPTIONS);
        this.url = MysqlUrl.parse(config.jdbcUrl());
        this.options = MysqlOptions.of(providerOptions, url);
        this.connection = new MysqlConnection(config, url, options.socket());
        this.tools = new MysqlTools(options.binDir());
        this.lockSession = new MysqlLockSession(connection);
        this.load = new MysqlLoad(connection, options);
        this.keepAside = new MysqlKeepAside(this, connection);
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
        Toolset t = resolve(false);
        return new DatabaseDescription(
                t.server().product(),
                t.serverVersionText(),
                t.dumpTool().name(),
                t.dumpTool().version().toString(),
                t.sizeBytes());
    }

    // ---------------------------------------------------------------- connection and preflight

    /** The server read on one session (handed to the target lock), its privileges checked, and the tools. */
    Toolset resolve(boolean forRestore) {
        ServerRead server = readServer(forRestore);
        MysqlTools.Tool dump = tools.dumpTool(server.version());
        MysqlTools.Tool client = forRestore ? tools.client(server.version()) : null;
        String text = server.text();
        String shortVersion = text.contains("-") && !text.startsWith("5.5.5-")
                ? text.substring(0, text.indexOf('-'))
                : server.version().toString();
        return new Toolset(server.version(), shortVersion, dump, client, server.sizeBytes());
    }

    private record ServerRead(ProductVersion version, String text, long sizeBytes) {}

    private ServerRead readServer(boolean forRestore) {
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
            ServerRead server = readServer(c);
            MysqlPreflight.checkPrivileges(c, url.database(), connection.user(), server.version(), forRestore);
            if (keep && !handedOver) {
                lockSession.offer(c);
                handedOver = true;
            }
            return server;
        } catch (SQLException e) {
            throw MysqlFailure.connect(connection, e, forRestore);
        } finally {
            if (!handedOver) {
                SessionHandOver.closeQuietly(c);
                if (keep) {
                    lockSession.offer(null);
                }
            }
        }
    }

    private ServerRead readServer(Connection c) throws SQLException {
        String versionText;
        long sizeBytes;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT VERSION(), (SELECT SUM(data_length + index_length)"
                        + " FROM information_schema.tables WHERE table_schema = DATABASE())")) {
            rs.next();
            versionText = rs.getString(1);
            long size = rs.getLong(2);
            sizeBytes = rs.wasNull() ? -1 : size;
        }
        ProductVersion server = ProductVersion.ofServer(versionText)
                .orElseThrow(() -> new UnableToDumpDatabaseException(
                        "cannot read the server version from '" + versionText + "' at " + connection.where()));
        return new ServerRead(server, versionText, sizeBytes);
    }

    /** A JDBC connection with the configured credentials. */
    Connection connect() throws SQLException {
        return connection.connect();
    }

    /** {@code GET_LOCK('backupkit:<database>', 0)}: see {@link MysqlLockSession}. */
    @Override
    public TargetLock lockTarget() {
        return lockSession.lock();
    }

    // ---------------------------------------------------------------- dump

    @Override
    public void dump(OutputStream out) {
        dump(out, w -> {});
    }

    @Override
    public void dump(OutputStream out, Consumer<String> warnings) {
        Objects.requireNonNull(out, "out");
        Toolset t = resolve(false);
        warnAboutNonTransactionalTables(warnings);
        Instant start = Instant.now();
        long bytes = runDump(t, out);
        LOG.info(
                "dumped database {} ({} {}) with {} {}: {} bytes in {}",
                url.database(),
                t.server().product(),
                t.server(),
                t.dumpTool().name(),
                t.dumpTool().version(),
                bytes,
                Duration.between(start, Instant.now()));
    }

    /** Runs the dump tool into {@code out}; returns the number of bytes. */
    long runDump(Toolset t, OutputStream out) {
        NativeProcess p;
        try {
            p = connection.tool(dumpArgv(t)).start();
        } catch (IOException e) {
            throw new DatabaseToolException(
                    t.dumpTool().name(), "cannot start " + t.dumpTool().path() + ": " + e.getMessage(), e);
        }
        try (p;
                InterruptWatch watch = new InterruptWatch(p)) {
            return copyDump(t, p, out);
        } catch (IOException e) {
            throw new UnableToDumpDatabaseException(
                    "reading the output of " + t.dumpTool().name() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException("the database dump was cancelled", e);
        } catch (NativeProcess.ToolTimeoutException e) {
            throw new UnableToDumpDatabaseException(
                    e.getMessage() + "; raise the database timeout if the database is that large", e);
        }
    }

    private List<String> dumpArgv(Toolset t) {
        List<String> argv = new ArrayList<>();
        argv.add(t.dumpTool().path().toString());
        argv.add("--defaults-extra-file={mycnf}");
        argv.addAll(connection.toolArgs());
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
        if (!t.server().mariadb()) {
            argv.add("--set-gtid-purged=OFF");
        }
        argv.addAll(options.dumpArgs());
        argv.add(url.database());
        return argv;
    }

    /** Copies the tool's stdout into {@code out}; throws unless it exited 0 after a complete dump. */
    private long copyDump(Toolset t, NativeProcess p, OutputStream out) throws IOException, InterruptedException {
        DumpTail tail = new DumpTail();
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
                    "the database dump was cancelled; " + t.dumpTool().name() + " was killed", null);
        }
        if (rc != 0) {
            throw MysqlFailure.dump(connection, t.dumpTool().name(), rc, p.stderrTail());
        }
        if (!tail.completed()) {
            throw new UnableToDumpDatabaseException(t.dumpTool().name() + " exited 0 but its output ended without"
                    + " the '-- Dump completed' line after " + tail.total() + " bytes; the dump is incomplete."
                    + " Stderr: " + MysqlFailure.tailOrNothing(p.stderrTail()));
        }
        return tail.total();
    }

    private void warnAboutNonTransactionalTables(Consumer<String> warnings) {
        List<String> tables;
        try {
            tables = nonTransactionalTables();
        } catch (SQLException e) {
            LOG.debug("cannot list the table engines of {}: {}", url.database(), connection.safe(e.getMessage()));
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
        try (Connection c = connection.connect();
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

    // ---------------------------------------------------------------- restore

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

    private void checkProduct(DatabaseInfo info, Toolset t) {
        if (info.product() != null && !info.product().isBlank()) {
            boolean dumpIsMariadb = info.product().toLowerCase(Locale.ROOT).contains("mariadb");
            if (dumpIsMariadb != t.server().mariadb()) {
                throw new IncompatibleBackupException("the backup is a " + info.product() + " dump and the server at "
                        + connection.where() + " is " + t.server().product() + "; " + info.product()
                        + " dumps use syntax and collations the other server does not have. Restore it into a "
                        + info.product() + " server");
            }
        }
        ProductVersion.ofServer(info.serverVersion()).ifPresent(v -> {
            if (!t.server().atLeast(v.major(), v.minor())) {
                LOG.warn(
                        "the backup comes from {} {}, the server at {} is older ({}); the restore may fail on"
                                + " features the older server lacks (it is rolled back if it does)",
                        info.product(),
                        v,
                        connection.where(),
                        t.server());
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
        MysqlLoad.checkHeader(source);
        Toolset t = resolve(true);
        checkProduct(source.info(), t);
        handleOtherSessions(source);
        // kept aside, the rollback snapshot is the replaced state: it goes where it outlives the restore
        Path snapshot = keepAside.newSnapshotFile(source);
        boolean kept = false;
        try {
            keepAside.take(t, snapshot);
            source.recoveryPoint(snapshot.toString()); // a killed process is rolled back from it
            replace(t, snapshot, source);
            kept = source.keepAside().isPresent();
        } finally {
            keepAside.deleteUnlessKept(snapshot, kept);
        }
    }

    /**
     * Other sessions on the database, refused or ended: on the target lock's session (no login of
     * its own), else on the session a description kept for a lock that never came (it would count as
     * another session), else on one of its own.
     */
    private void handleOtherSessions(DumpSource source) {
        Optional<Connection> lockSessionHeld = lockSession.held();
        if (lockSessionHeld.isPresent()) {
            // a session kept by a description while the lock was held (the safety backup's) would count
            lockSession.take().ifPresent(SessionHandOver::closeQuietly);
            MysqlSessions.handle(
                    lockSessionHeld.get(), source.terminateSessions(), url.database(), lockSession.lockName());
            return;
        }
        Optional<Connection> kept = lockSession.take();
        try (Connection c = kept.isPresent() ? kept.get() : connect()) {
            MysqlSessions.handle(c, source.terminateSessions(), url.database(), lockSession.lockName());
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot connect to database '" + url.database() + "' (" + connection.safe(e.getMessage())
                            + "); nothing was changed",
                    e);
        }
    }

    /** Loads the backup in place of the database, up to the commit gate; any failure is rolled back. */
    private void replace(Toolset t, Path snapshot, DumpSource source) {
        Instant start = Instant.now();
        try {
            replaceWith(t, source::open, "the backup");
            if (source.keepAside().isPresent()) {
                source.keptAside(snapshot.toString());
            }
            source.beforeCommit(); // the other parts of the restore are verified and in place
            LOG.info(
                    "restored database {} from a {} dump in {}",
                    url.database(),
                    source.info().product(),
                    Duration.between(start, Instant.now()));
        } catch (Exception e) {
            throw keepAside.rollBack(t, snapshot, e, source);
        }
    }

    /** Where a dump is read from: opened only once the database is emptied. */
    interface DumpOpener {
        InputStream open() throws IOException;
    }

    /** Empties the database ({@link MysqlRestorePreamble}) and loads {@code dump} into it. */
    void replaceWith(Toolset t, DumpOpener dump, String what) throws IOException {
        MysqlRestorePreamble.emptyDatabase(connection, options.lockWaitSeconds());
        try (InputStream in = dump.open()) {
            load.load(t.client(), in, what);
        }
    }

    // ---------------------------------------------------------------- keep-aside and rollback snapshot

    /** A killed restore's snapshot is loaded back unless it had passed its commit gate. */
    @Override
    public boolean recoverRestore(String token, boolean committing) {
        return keepAside.recover(token, committing);
    }

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
        keepAside.rollbackAside(token, context);
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
        keepAside.dropAside(token);
    }

    @Override
    public String toString() {
        return "MysqlDumper[" + connection + "]";
    }
}
