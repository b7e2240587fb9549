package io.backupkit.backup.db.postgres;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 500 lines: the SPI entry points, the dump and the restore's set-up; every other concern is a class.
/**
 * The {@code postgres} dumper: {@code pg_dump} custom format out, {@code pg_restore} piped into {@code
 * psql} in, as one transaction. The one thing to know: the script's final {@code COMMIT} is held back
 * until {@code pg_restore} and {@code psql} both succeeded, so any failure leaves the database exactly
 * as it was. A keep-aside restore ({@link PgKeepAside}) instead restores into a new database and
 * swaps it in by renames. How the tool is chosen, how credentials travel and what the preamble drops: {@code
 * docs/NOTES-PROVIDERS.md}.
 */
public final class PostgresDumper implements DatabaseDumper {
    // Long on purpose: the SPI entry points, each handing over to a class of one concern (PgTools, PgKeepAside,
    // PgWrites).

    /** The provider id. */
    public static final String ID = "postgres";
    /** The dump format / file extension. */
    public static final String FORMAT = "pgdump";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDumper.class);

    private final DatabaseConfig config;
    private final PgConnection connection;
    private final PostgresOptions options;
    private final PgTools tools;
    private volatile Resolved resolved;

    private record Resolved(PgVersion server, PgTools.Toolset toolset) {}

    /** The restore tools found for dumps of one pg_dump version (restore probes them once, not twice). */
    private volatile RestoreTools restoreToolsCache;

    private record RestoreTools(String dumpToolVersion, PgTools.Toolset toolset) {}

    private final PgJdbc jdbc;
    private final PgTargetSession session;
    private final PgKeepAside keepAside;
    private final PgLoad load;

    PostgresDumper(DatabaseConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = PostgresOptions.from(config.options());
        this.connection = PgConnection.of(config);
        this.tools = new PgTools(options.binDir(), config.options().keyName(PostgresOptions.BIN_DIR));
        this.jdbc = new PgJdbc(config, connection);
        this.session = new PgTargetSession(jdbc::open, connection);
        this.keepAside = new PgKeepAside(connection, options, jdbc::openOn, session, config.timeout());
        this.load = new PgLoad(connection, session, config.timeout(), this::lockHolders);
    }

    /** The database's size as the server last reported it (-1: not asked, or no JDBC driver). */
    private volatile long sizeBytes = -1;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public DatabaseDescription describe() {
        Resolved r = resolveDumpTools();
        return new DatabaseDescription(
                "PostgreSQL",
                r.server().text(),
                "pg_dump",
                r.toolset().version().text(),
                sizeBytes);
    }

    private Resolved resolveDumpTools() {
        tools.prefetch("pg_dump"); // probed while the server is asked for its version
        PgVersion server = serverVersion(false);
        PgTools.Toolset set = tools.find(
                List.of("pg_dump"), server, "the server at " + connection.where() + " is PostgreSQL " + server);
        Resolved r = new Resolved(server, set);
        resolved = r;
        return r;
    }

    // ---------------------------------------------------------------- dump

    @Override
    public void dump(OutputStream out) {
        Objects.requireNonNull(out, "out");
        Resolved r = resolved != null ? resolved : resolveDumpTools();
        List<String> argv = new ArrayList<>(
                List.of(r.toolset().tool("pg_dump").toString(), "--format=custom", "--compress=0", "--no-password"));
        if (options.role() != null) {
            argv.add("--role=" + options.role());
        }
        for (String s : options.schemas()) {
            argv.add("--schema=" + RestorePreamble.ident(s));
        }
        for (String s : options.excludeSchemas()) {
            argv.add("--exclude-schema=" + RestorePreamble.ident(s));
        }
        LOG.info("dumping {} with pg_dump {}", connection, r.toolset().version());
        NativeProcess.Builder builder =
                connection.apply(NativeProcess.command(argv), "backupkit-dump").timeout(config.timeout());
        try (NativeProcess p = start(builder, "pg_dump")) {
            Copier copier = new Copier(p.stdout(), out, p);
            Thread t = new Thread(copier, "pg_dump-stdout");
            t.setDaemon(true);
            t.start();
            int exit;
            try {
                exit = p.await();
                t.join();
            } catch (InterruptedException e) {
                p.kill();
                joinQuietly(t);
                Thread.currentThread().interrupt();
                throw new BackupCancelledException("the database dump was cancelled; pg_dump was stopped", e);
            } catch (NativeProcess.ToolTimeoutException e) {
                joinQuietly(t);
                throw new UnableToDumpDatabaseException(
                        e.getMessage() + ": the dump of " + connection + " took longer than the configured timeout"
                                + " (" + config.timeout() + "); raise it",
                        e);
            }
            if (copier.writeError != null) {
                throw new UnableToDumpDatabaseException(
                        "writing the dump failed: " + copier.writeError.getMessage() + "; pg_dump was stopped",
                        copier.writeError);
            }
            if (exit != 0) {
                String tail = p.stderrTail();
                PgFailure f = PgFailure.fromToolOutput(tail);
                String msg = "pg_dump failed (exit code " + exit + "): " + f.explain(connection) + ". pg_dump said: "
                        + PgFailure.shorten(tail);
                if (f == PgFailure.TOOL_VERSION_MISMATCH) {
                    throw new DatabaseToolException("pg_dump", msg);
                }
                throw new UnableToDumpDatabaseException(msg);
            }
            if (copier.readError != null || !copier.eof) {
                throw new UnableToDumpDatabaseException(
                        "pg_dump exited 0 but its output could not be read to the end"
                                + (copier.readError == null ? "" : ": " + copier.readError.getMessage()),
                        copier.readError);
            }
            LOG.info("pg_dump of {} finished: {} bytes", connection, copier.bytes);
        }
    }

    /** Copies a tool's stdout to the output; stops the tool when the output fails. */
    private static final class Copier implements Runnable {
        private final InputStream in;
        private final OutputStream out;
        private final NativeProcess process;
        volatile Exception writeError;
        volatile IOException readError;
        volatile boolean eof;
        volatile long bytes;

        Copier(InputStream in, OutputStream out, NativeProcess process) {
            this.in = in;
            this.out = out;
            this.process = process;
        }

        @Override
        public void run() {
            byte[] buf = new byte[1 << 16];
            try (InputStream input = in) {
                while (true) {
                    int n;
                    try {
                        n = input.read(buf);
                    } catch (IOException e) {
                        readError = e;
                        return;
                    }
                    if (n < 0) {
                        eof = true;
                        return;
                    }
                    try {
                        out.write(buf, 0, n);
                    } catch (Exception e) {
                        writeError = e;
                        process.kill();
                        return;
                    }
                    bytes += n;
                }
            } catch (IOException e) {
                // closing stdout failed: nothing left to read anyway
            }
        }
    }

    // ---------------------------------------------------------------- restore checks

    @Override
    public void checkRestorable(DatabaseInfo info) {
        restoreTools(info);
    }

    private PgTools.Toolset restoreTools(DatabaseInfo info) {
        Objects.requireNonNull(info, "info");
        if (!ID.equals(info.dumper())) {
            throw new IncompatibleBackupException("the backup's database dump was made by the '" + info.dumper()
                    + "' dumper (" + info.product() + "), but the configured database is PostgreSQL ('postgres'):"
                    + " restore it into a database of the kind it came from");
        }
        if (!FORMAT.equals(info.format())) {
            throw new IncompatibleBackupException("the backup's database dump has the format '" + info.format()
                    + "'; the postgres dumper reads only '" + FORMAT + "' (pg_dump custom format)");
        }
        PgVersion dumpTool = PgVersion.parse(info.toolVersion()).orElse(null);
        String why = dumpTool == null
                ? "the backup does not say which pg_dump wrote it"
                : "the backup was written by pg_dump " + dumpTool
                        + ", and pg_restore cannot read archives written by a newer pg_dump";
        String key = String.valueOf(info.toolVersion());
        RestoreTools cached = restoreToolsCache;
        if (cached != null && cached.dumpToolVersion().equals(key)) {
            return cached.toolset(); // checkRestorable found them moments ago: no second probe
        }
        PgTools.Toolset set = tools.find(List.of("pg_restore", "psql"), dumpTool, why);
        restoreToolsCache = new RestoreTools(key, set);
        return set;
    }

    // ---------------------------------------------------------------- restore

    @Override
    public boolean gatesCommit() {
        return true;
    }

    /** An advisory lock on the database, on a session of its own (see {@link PgTargetSession}). */
    @Override
    public TargetLock lockTarget() {
        return session.lock();
    }

    /**
     * A restore that had not passed its commit gate never sent {@code COMMIT}: the server rolled it
     * back. One that had is asked about by its transaction id ({@code txid_status}).
     */
    @Override
    public boolean recoverRestore(String token, boolean committing) {
        if (token != null && (token.startsWith("keepaside:") || token.startsWith("rollback:"))) {
            return keepAside.recover(token);
        }
        if (!committing) {
            return false;
        }
        if (token == null || !token.startsWith("txid=")) {
            return DatabaseDumper.super.recoverRestore(null, true);
        }
        return session.committed(Long.parseLong(token.substring("txid=".length())));
    }

    /** See {@link PgKeepAside}: a new database and a rename, where the role may and no schema filter is set. */
    @Override
    public Optional<String> whyNotKeepAside() {
        return keepAside.whyNot();
    }

    @Override
    public void rollbackAside(String token, DumpSource context) {
        keepAside.rollback(token, context);
    }

    @Override
    public void dropAside(String token) {
        keepAside.drop(token);
    }

    /** See {@link PgWrites}: the server's counts of rows written in the database. */
    @Override
    public Optional<String> writeMark() {
        return keepAside.writes().mark();
    }

    @Override
    public Optional<String> writtenSince(String mark) {
        return keepAside.writes().since(mark);
    }

    @Override
    public void restore(DumpSource source) {
        Objects.requireNonNull(source, "source");
        PgTools.Toolset set = restoreTools(source.info());
        if (source.keepAside().isPresent() && keepAside.whyNot().isEmpty()) {
            keepAside.restore(source, set, () -> handleOtherSessions(source));
            return;
        }
        // The preamble is written for the server the dump came from, which the backup names; only
        // a backup that does not is a reason to ask the server first (a connection is not free:
        // the JDBC driver's start and a login, on the restore's critical path). An unreachable
        // server or a refused login is reported by psql, before anything changed.
        int sourceMajor = PgVersion.parse(source.info().serverVersion())
                .map(PgVersion::major)
                .orElseGet(() -> serverVersion(true).major());
        // a session of the host's holding a lock would otherwise stall the restore without a word
        String preamble = "SET lock_timeout = '" + source.lockTimeout().toMillis() + "ms';\n"
                + RestorePreamble.sql(options.schemas(), options.excludeSchemas(), options.role(), sourceMajor);
        handleOtherSessions(source);
        List<String> restoreArgv =
                new ArrayList<>(List.of(set.tool("pg_restore").toString(), "--single-transaction", "--file=-"));
        if (options.noOwner()) {
            restoreArgv.add("--no-owner");
        }
        if (options.noPrivileges()) {
            restoreArgv.add("--no-privileges");
        }
        if (options.role() != null) {
            restoreArgv.add("--role=" + options.role());
        }
        for (String s : options.schemas()) {
            restoreArgv.add("--schema=" + s);
        }
        for (String s : options.excludeSchemas()) {
            restoreArgv.add("--exclude-schema=" + s);
        }
        List<String> psqlArgv = List.of(
                set.tool("psql").toString(),
                "--no-psqlrc",
                "--quiet",
                "--no-password",
                "--set=ON_ERROR_STOP=1",
                "--file=-");
        LOG.info(
                "restoring {} with pg_restore/psql {} from a dump by pg_dump {}",
                connection,
                set.version(),
                source.info().toolVersion());
        // a name of its own, so that its transaction can be found at the commit gate
        String session = "backupkit-restore-"
                + Long.toHexString(System.nanoTime() ^ ProcessHandle.current().pid());
        NativeProcess.Builder psqlBuilder = connection
                .apply(NativeProcess.command(psqlArgv), session)
                .feedStdin()
                .stdoutTo(Path.of("/dev/null"))
                .timeout(config.timeout());
        try (NativeProcess psql = start(psqlBuilder, "psql")) {
            NativeProcess.Builder restoreBuilder = NativeProcess.command(restoreArgv)
                    .clearEnv("PG")
                    .feedStdin()
                    .timeout(config.timeout());
            try (NativeProcess pgRestore = start(restoreBuilder, "pg_restore")) {
                load.run(source, psql, pgRestore, preamble, session);
            }
        }
    }

    /** Before anything changes: other sessions on the database are refused (named) or ended, as asked. */
    private void handleOtherSessions(DumpSource source) {
        Optional<Connection> lockSession = session.held();
        if (lockSession.isPresent()) { // the target lock's session: no login of its own
            try {
                PgSessions.handle(lockSession.get(), source.terminateSessions(), connection);
                return;
            } catch (UnableToRestoreDatabaseException e) {
                LOG.debug("the lock's session cannot list the others ({}); a session of their own", e.getMessage());
            }
        }
        Optional<Connection> opened = jdbc.open("backupkit-sessions");
        if (opened.isEmpty()) {
            LOG.info("no PostgreSQL JDBC driver: other sessions on {} are not looked for", connection);
            return;
        }
        try (Connection c = opened.get()) {
            PgSessions.handle(c, source.terminateSessions(), connection);
        } catch (SQLException e) {
            LOG.debug("closing the session check's connection", e);
        }
    }

    // ---------------------------------------------------------------- server version

    /** The server's version, read over JDBC (or with psql when no PostgreSQL JDBC driver is present). */
    private PgVersion serverVersion(boolean forRestore) {
        String url = jdbc.url();
        if (!PgJdbc.hasDriver(url)) {
            return serverVersionWithPsql(forRestore);
        }
        // for a create, named as the lock's session: the lock, which follows, takes it over (one login less)
        boolean keep = !forRestore;
        Properties props = jdbc.properties(keep ? PgTargetSession.lockSessionName() : "backupkit");
        Connection c = null;
        boolean handedOver = false;
        try {
            if (keep) {
                Optional<Connection> lockSession = session.borrowHeldOrLogIn();
                if (lockSession.isPresent()) { // the lock came first: read on its session
                    handedOver = true;
                    return readVersion(lockSession.get());
                }
            }
            c = DriverManager.getConnection(url, props);
            PgVersion version = readVersion(c);
            if (keep) {
                session.offer(c); // the lock's now
                handedOver = true;
            }
            return version;
        } catch (SQLException e) {
            PgFailure f = PgFailure.fromSqlState(e.getSQLState(), e.getMessage());
            String msg = f.explain(connection) + " (" + e.getMessage() + ")";
            throw forRestore
                    ? new UnableToRestoreDatabaseException(msg + ". Nothing was changed.", e)
                    : new UnableToDumpDatabaseException(msg, e);
        } finally {
            if (!handedOver) {
                closeQuietly(c);
                if (keep) {
                    session.offer(null); // the lock waits for nothing
                }
            }
        }
    }

    private PgVersion readVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.current_setting('server_version_num'),"
                        + " pg_catalog.current_setting('server_version'),"
                        + " pg_catalog.pg_database_size(pg_catalog.current_database())")) {
            rs.next();
            sizeBytes = rs.getLong(3);
            return PgVersion.fromVersionNum(Integer.parseInt(rs.getString(1).trim()), rs.getString(2));
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a session", e);
        }
    }

    /** The other sessions on the database, for a message; what is known when they cannot be listed. */
    private String lockHolders() {
        try (Connection c = jdbc.open("backupkit-sessions").orElse(null)) {
            if (c == null) {
                return "its sessions cannot be listed without a PostgreSQL JDBC driver";
            }
            List<PgSessions.Session> others = PgSessions.others(c);
            return others.isEmpty()
                    ? "it has ended since"
                    : others.stream()
                            .map(PgSessions.Session::describe)
                            .collect(java.util.stream.Collectors.joining("; "));
        } catch (SQLException | RuntimeException e) {
            return "its sessions cannot be listed: " + e.getMessage();
        }
    }

    // package-private for tests: the path taken when no PostgreSQL JDBC driver is on the class path
    PgVersion serverVersionWithPsql(boolean forRestore) {
        PgTools.Toolset set = tools.find(List.of("psql"), null, "");
        List<String> argv = List.of(
                set.tool("psql").toString(),
                "--no-psqlrc",
                "--no-password",
                "--tuples-only",
                "--no-align",
                "--command=SELECT pg_catalog.current_setting('server_version_num') || '|' ||"
                        + " pg_catalog.current_setting('server_version')");
        try (NativeProcess p =
                start(connection.apply(NativeProcess.command(argv), "backupkit").timeout(config.timeout()), "psql")) {
            String out;
            try (InputStream in = p.stdout()) {
                out = new String(in.readNBytes(4096), StandardCharsets.UTF_8).trim();
            }
            int exit = p.await();
            if (exit != 0 || !out.contains("|")) {
                String tail = p.stderrTail();
                String msg =
                        PgFailure.fromToolOutput(tail).explain(connection) + " (psql: " + PgFailure.shorten(tail) + ")";
                throw forRestore
                        ? new UnableToRestoreDatabaseException(msg + ". Nothing was changed.")
                        : new UnableToDumpDatabaseException(msg);
            }
            String[] parts = out.split("\\|", 2);
            return PgVersion.fromVersionNum(Integer.parseInt(parts[0].trim()), parts[1].trim());
        } catch (IOException e) {
            throw new DatabaseToolException("psql", "cannot read psql's output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException("cancelled while asking the server for its version", e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static NativeProcess start(NativeProcess.Builder builder, String tool) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new DatabaseToolException(
                    tool, "cannot start " + tool + ": " + e.getMessage() + "; check the option bin_dir", e);
        }
    }

    static void joinQuietly(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the process already closed its end
        }
    }

    @Override
    public String toString() {
        return "PostgresDumper[" + connection + "]";
    }
}
