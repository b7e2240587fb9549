package io.backupkit.backup.db.postgres;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.DatabaseInUseException;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 500 lines: the swap, its rollback and their crash recovery share the databases' names.
/**
 * The keep-aside restore: {@code pg_restore --jobs N} into a new database beside the live one (no
 * one sees it, so it needs no single transaction), then one transaction of two {@code ALTER
 * DATABASE ... RENAME} puts it in the live one's place and the live one aside as {@code
 * <name>__pre_<id>}. What {@code pg_dump} of one database does not hold (owner, encoding and locale,
 * tablespace, connection limit, {@code GRANT ... ON DATABASE}, {@code ALTER DATABASE ... SET},
 * comment) is carried over from the live database when the new one is created.
 *
 * <p>Recovery tokens: {@code keepaside:<live>:<new>:<aside>} (the new database still there means the
 * swap did not happen: it is dropped) and {@code rollback:<live>:<aside>:<replaced>} (the aside
 * database still there means the rollback did not happen).
 */
final class PgKeepAside {
    // Long on purpose: the new database, the settings carried over, the swap and its recovery share one naming scheme.

    private static final Logger LOG = LoggerFactory.getLogger(PgKeepAside.class);
    private static final int MAX_NAME = 63;
    private static final int SWAP_ATTEMPTS = 5;
    private static final String CANCELLED =
            "the database restore was cancelled before the swap; the database was left as it was";
    /** Variables whose value is a list of quoted items (as pg_dumpall knows them). */
    private static final List<String> LIST_VARIABLES = List.of(
            "local_preload_libraries",
            "search_path",
            "session_preload_libraries",
            "shared_preload_libraries",
            "temp_tablespaces",
            "unix_socket_directories");

    private final PgConnection connection;
    private final PostgresOptions options;
    private final BiFunction<String, String, Optional<Connection>> connectTo;
    private final PgTargetSession lock;
    private final Duration timeout;

    PgKeepAside(
            PgConnection connection,
            PostgresOptions options,
            BiFunction<String, String, Optional<Connection>> connectTo,
            PgTargetSession lock,
            Duration timeout) {
        this.connection = connection;
        this.options = options;
        this.connectTo = connectTo;
        this.lock = lock;
        this.timeout = timeout;
    }

    /** Why the live database cannot be kept aside, or empty. */
    Optional<String> whyNot() {
        if (!options.schemas().isEmpty() || !options.excludeSchemas().isEmpty()) {
            return Optional.of("the options schemas/exclude_schemas restore part of the database, in place");
        }
        if (connection.database().isEmpty()) {
            return Optional.of("the URL names no database");
        }
        Optional<Connection> opened;
        try {
            opened = connectTo.apply(connection.database(), "backupkit");
        } catch (RuntimeException e) {
            return Optional.empty(); // the restore reports the connection problem itself
        }
        if (opened.isEmpty()) {
            return Optional.of("no PostgreSQL JDBC driver on the class path");
        }
        try (Connection c = opened.get();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT r.rolsuper OR r.rolcreatedb,"
                        + " pg_catalog.pg_has_role(r.oid, d.datdba, 'MEMBER'),"
                        + " pg_catalog.current_setting('server_version_num')::int"
                        + " FROM pg_catalog.pg_roles r, pg_catalog.pg_database d"
                        + " WHERE r.rolname = current_user AND d.datname = pg_catalog.current_database()")) {
            if (!rs.next()) {
                return Optional.of("the restoring role cannot be found");
            }
            if (!rs.getBoolean(1)) {
                return Optional.of("role " + connection.user() + " may not create databases (CREATEDB)");
            }
            if (!rs.getBoolean(2)) {
                return Optional.of("role " + connection.user() + " does not own database " + connection.database());
            }
            if (rs.getInt(3) < 130000) {
                return Optional.of("PostgreSQL older than 13 cannot drop a database with sessions on it");
            }
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("cannot ask the server (" + e.getMessage() + ")");
        }
    }

    // ---------------------------------------------------------------- restore

    void restore(DumpSource source, PgTools.Toolset tools, Runnable refuseOtherSessions) {
        String live = connection.database();
        String id = source.keepAside().orElseThrow();
        String fresh = name(live, "__restore_" + id);
        String aside = name(live, "__pre_" + id);
        refuseOtherSessions.run(); // before any work: the swap would refuse them anyway
        try (Connection admin = admin()) {
            if (exists(admin, aside) || exists(admin, fresh)) {
                throw new UnableToRestoreDatabaseException(
                        "database " + aside + " or " + fresh + " exists already: restore again. Nothing was changed");
            }
            source.recoveryPoint("keepaside:" + live + ":" + fresh + ":" + aside);
            boolean swapped = false;
            try {
                createLike(admin, live, fresh);
                pgRestore(source, tools, fresh);
                source.keptAside(aside);
                source.beforeCommit(); // the media folder is swapped in here
                if (Thread.currentThread().isInterrupted()) {
                    throw new BackupCancelledException("the restore was cancelled before it committed", null);
                }
                swap(admin, live, fresh, aside, source.terminateSessions(), source.lockTimeout());
                swapped = true;
                LOG.info("restored {} into a new database; the replaced one is kept as {}", live, aside);
            } finally {
                if (!swapped) {
                    dropQuietly(admin, fresh);
                }
            }
        } catch (SQLException e) {
            PgFailure f = PgFailure.fromSqlState(e.getSQLState(), e.getMessage());
            throw new UnableToRestoreDatabaseException(
                    "restoring " + live + " at " + connection.where() + " into a new database failed: "
                            + (f == PgFailure.OTHER ? "" : f.explain(connection) + "; ") + e.getMessage()
                            + ". The database was left as it was",
                    e);
        }
    }

    /**
     * With one job, pg_restore reads the dump as it is decoded. With more, the dump is decoded into a
     * file first (a parallel pg_restore needs one it can seek in): loading the tables in parallel
     * gains more than the decoding costs.
     */
    private void pgRestore(DumpSource source, PgTools.Toolset tools, String fresh) {
        List<String> argv = restoreArgv(tools, fresh);
        if (options.jobs() <= 1) {
            runPgRestore(argv, fresh, source);
            return;
        }
        Path file;
        try {
            file = source.toFile();
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException(CANCELLED, e);
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot write the plain dump into " + source.workDir() + " (" + e.getMessage()
                            + "); free space in the spool folder. The database was left as it was",
                    e);
        }
        argv.addAll(List.of("--jobs=" + options.jobs(), file.toString()));
        runPgRestore(argv, fresh, null);
    }

    private List<String> restoreArgv(PgTools.Toolset tools, String fresh) {
        List<String> argv = new ArrayList<>(List.of(
                tools.tool("pg_restore").toString(),
                "--dbname=dbname=" + connString(fresh),
                "--exit-on-error",
                "--no-password"));
        if (options.noOwner()) {
            argv.add("--no-owner");
        }
        if (options.noPrivileges()) {
            argv.add("--no-privileges");
        }
        if (options.role() != null) {
            argv.add("--role=" + options.role());
        }
        return argv;
    }

    /** Runs pg_restore into {@code fresh}, fed from {@code source} when given. */
    private void runPgRestore(List<String> argv, String fresh, DumpSource source) {
        NativeProcess.Builder b = connection
                .withDatabase(fresh)
                .apply(NativeProcess.command(argv), "backupkit-restore")
                .stdoutTo(Path.of("/dev/null"))
                .timeout(timeout);
        if (source != null) {
            b.feedStdin();
        }
        NativeProcess p;
        try {
            p = b.start();
        } catch (IOException e) {
            throw new DatabaseToolException("pg_restore", "cannot start pg_restore: " + e.getMessage(), e);
        }
        try (NativeProcess running = p) {
            DumpFeeder feeder = source == null ? null : new DumpFeeder(source, running);
            Thread feeding = feeder == null ? null : feeder.start("pg_restore-stdin");
            int exit;
            try {
                exit = running.await();
                if (feeding != null) {
                    if (exit != 0) {
                        feeder.stop();
                    }
                    feeding.join();
                }
            } catch (InterruptedException e) {
                running.kill();
                if (feeder != null) {
                    feeder.stop();
                }
                Thread.currentThread().interrupt();
                throw new BackupCancelledException(CANCELLED, e);
            } catch (NativeProcess.ToolTimeoutException e) {
                throw new UnableToRestoreDatabaseException("pg_restore ran longer than the configured timeout ("
                        + timeout + "); the database was left as it was");
            }
            if (feeder != null && feeder.readError != null) {
                throw new UnableToRestoreDatabaseException(
                        "restoring " + connection.database() + " failed: reading the dump failed: "
                                + feeder.readError.getMessage() + ". The database was left as it was",
                        feeder.readError);
            }
            if (exit != 0) {
                String tail = running.stderrTail();
                PgFailure f = PgFailure.fromToolOutput(tail);
                throw new UnableToRestoreDatabaseException("restoring " + connection.database() + " at "
                        + connection.where() + " failed: pg_restore into a new database exited " + exit + " ("
                        + (f == PgFailure.OTHER ? "" : f.explain(connection) + "; ") + "pg_restore said: "
                        + shorten(tail) + "). The database was left as it was");
            }
        }
    }

    /** Creates {@code fresh} as the live database is (owner, locale, grants, settings, comment). */
    private void createLike(Connection admin, String live, String fresh) throws SQLException {
        int major;
        try (Statement st = admin.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT pg_catalog.current_setting('server_version_num')::int / 10000")) {
            rs.next();
            major = rs.getInt(1);
        }
        String locale = major >= 17 ? "d.datlocale" : major >= 15 ? "d.daticulocale" : "NULL";
        String provider = major >= 15 ? "d.datlocprovider::text" : "'c'";
        String owner;
        StringBuilder create = new StringBuilder("CREATE DATABASE " + ident(fresh) + " WITH TEMPLATE template0");
        List<String> after = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("SELECT pg_catalog.pg_get_userbyid(d.datdba),"
                + " pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, " + provider + ", "
                + locale + ", t.spcname, d.datconnlimit, d.datacl IS NOT NULL,"
                + " pg_catalog.shobj_description(d.oid, 'pg_database'), d.oid"
                + " FROM pg_catalog.pg_database d JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace"
                + " WHERE d.datname = ?")) {
            ps.setString(1, live);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new UnableToRestoreDatabaseException("database " + live + " does not exist at "
                            + connection.where() + ": create it first. Nothing was changed");
                }
                owner = rs.getString(1);
                create.append(" OWNER ").append(ident(owner));
                create.append(" ENCODING ").append(literal(rs.getString(2)));
                create.append(" LC_COLLATE ").append(literal(rs.getString(3)));
                create.append(" LC_CTYPE ").append(literal(rs.getString(4)));
                String prov = rs.getString(5);
                if ("i".equals(prov)) {
                    create.append(" LOCALE_PROVIDER icu ICU_LOCALE ").append(literal(rs.getString(6)));
                } else if ("b".equals(prov)) {
                    create.append(" LOCALE_PROVIDER builtin BUILTIN_LOCALE ").append(literal(rs.getString(6)));
                }
                create.append(" TABLESPACE ").append(ident(rs.getString(7)));
                create.append(" CONNECTION LIMIT ").append(rs.getInt(8));
                boolean acl = rs.getBoolean(9);
                String comment = rs.getString(10);
                long oid = rs.getLong(11);
                if (acl) {
                    after.addAll(grants(admin, live, fresh, owner));
                }
                after.addAll(settings(admin, oid, fresh));
                if (comment != null) {
                    after.add("COMMENT ON DATABASE " + ident(fresh) + " IS " + literal(comment));
                }
            }
        }
        try (Statement st = admin.createStatement()) {
            st.execute(create.toString());
            for (String sql : after) {
                st.execute(sql);
            }
        }
    }

    private static List<String> grants(Connection admin, String live, String fresh, String owner) throws SQLException {
        List<String> sql = new ArrayList<>();
        sql.add("REVOKE ALL ON DATABASE " + ident(fresh) + " FROM PUBLIC");
        sql.add("REVOKE ALL ON DATABASE " + ident(fresh) + " FROM " + ident(owner));
        try (PreparedStatement ps = admin.prepareStatement("SELECT a.grantee = 0,"
                + " pg_catalog.pg_get_userbyid(a.grantee), a.privilege_type, a.is_grantable"
                + " FROM pg_catalog.pg_database d, pg_catalog.aclexplode(d.datacl) a WHERE d.datname = ?")) {
            ps.setString(1, live);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sql.add("GRANT " + rs.getString(3) + " ON DATABASE " + ident(fresh) + " TO "
                            + (rs.getBoolean(1) ? "PUBLIC" : ident(rs.getString(2)))
                            + (rs.getBoolean(4) ? " WITH GRANT OPTION" : ""));
                }
            }
        }
        return sql;
    }

    private static List<String> settings(Connection admin, long oid, String fresh) throws SQLException {
        List<String> sql = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("SELECT r.rolname, s.setconfig"
                + " FROM pg_catalog.pg_db_role_setting s LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole"
                + " WHERE s.setdatabase = ?")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String role = rs.getString(1);
                    String prefix = role == null
                            ? "ALTER DATABASE " + ident(fresh)
                            : "ALTER ROLE " + ident(role) + " IN DATABASE " + ident(fresh);
                    for (String kv : (String[]) rs.getArray(2).getArray()) {
                        int eq = kv.indexOf('=');
                        String name = kv.substring(0, eq);
                        sql.add(prefix + " SET " + ident(name) + " TO " + value(name, kv.substring(eq + 1)));
                    }
                }
            }
        }
        return sql;
    }

    /** A setting's stored text as SQL: list variables item by item, others as one literal. */
    static String value(String name, String stored) {
        if (!LIST_VARIABLES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            return literal(stored);
        }
        List<String> items = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < stored.length(); i++) {
            char ch = stored.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < stored.length() && stored.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == ',' && !quoted) {
                items.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        items.add(cur.toString().strip());
        return String.join(", ", items.stream().map(PgKeepAside::literal).toList());
    }

    // ---------------------------------------------------------------- swap, rollback, drop

    /**
     * Renames {@code live} to {@code aside} and {@code from} to {@code live} in one transaction, after
     * refusing (or ending) the other sessions on {@code live}. A session that connects in between
     * makes the rename fail and the transaction roll back: then it is looked for again.
     */
    private void swap(Connection admin, String live, String from, String aside, boolean terminate, Duration lockTimeout)
            throws SQLException {
        boolean held = lock.isHeld();
        lock.suspend(); // renaming needs every session on the database gone, the lock's too
        try {
            for (int attempt = 1; ; attempt++) {
                List<PgSessions.Session> others = sessionsOn(admin, live);
                if (!others.isEmpty()) {
                    if (!terminate || attempt > SWAP_ATTEMPTS) {
                        throw inUse(live, others, terminate);
                    }
                    terminate(admin, others);
                }
                admin.setAutoCommit(false);
                try (Statement st = admin.createStatement()) {
                    st.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
                    st.execute("ALTER DATABASE " + ident(live) + " RENAME TO " + ident(aside));
                    st.execute("ALTER DATABASE " + ident(from) + " RENAME TO " + ident(live));
                    admin.commit();
                    return;
                } catch (SQLException e) {
                    admin.rollback();
                    if (!"55006".equals(e.getSQLState()) || attempt > SWAP_ATTEMPTS) {
                        throw e;
                    }
                    LOG.info("a session connected to {} before the swap; looking again", live);
                } finally {
                    admin.setAutoCommit(true);
                }
            }
        } finally {
            lock.resume(held);
        }
    }

    private DatabaseInUseException inUse(String live, List<PgSessions.Session> others, boolean terminate) {
        List<String> lines = others.stream().map(PgSessions.Session::describe).toList();
        return new DatabaseInUseException(
                "database " + live + " at " + connection.where() + " has " + others.size() + " other session(s)"
                        + (terminate ? " that kept reconnecting" : "") + ": " + String.join("; ", lines)
                        + ". Nothing was changed. Stop the application (or its connection pool) first"
                        + (terminate ? "" : ", or let the restore end these sessions (terminate sessions)"),
                lines);
    }

    /** Puts the database kept aside as {@code aside} back in place; the current one is dropped. */
    void rollback(String aside, DumpSource context) {
        String live = connection.database();
        String replaced = name(live, "__rolledback_" + Long.toString(System.currentTimeMillis() / 1000, 36));
        try (Connection admin = admin()) {
            if (!exists(admin, aside)) {
                throw new UnableToRestoreDatabaseException("the database kept aside, " + aside + ", is gone from "
                        + connection.where() + ": cannot roll back. Nothing was changed");
            }
            // the sessions go first: the engine then asks what was written since the restore
            List<PgSessions.Session> others = sessionsOn(admin, live);
            if (!others.isEmpty()) {
                if (!context.terminateSessions()) {
                    throw inUse(live, others, false);
                }
                terminate(admin, others);
            }
            context.recoveryPoint("rollback:" + live + ":" + aside + ":" + replaced);
            context.beforeCommit();
            swap(admin, live, aside, replaced, context.terminateSessions(), context.lockTimeout());
            dropQuietly(admin, replaced);
            LOG.info("database {} rolled back to the state kept aside as {}", live, aside);
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "rolling " + live + " back failed: " + e.getMessage() + ". Nothing was changed", e);
        }
    }

    /** Drops the database kept aside as {@code aside}, if it is still there. */
    void drop(String aside) {
        try (Connection admin = admin()) {
            dropQuietly(admin, aside);
        } catch (SQLException e) {
            LOG.warn("cannot drop the database kept aside, {}: {}", aside, e.getMessage());
        }
    }

    /** Finishes or undoes a keep-aside restore or a rollback from its token; see the class comment. */
    boolean recover(String token) {
        String[] p = token.split(":", 4);
        try (Connection admin = admin()) {
            if (p[0].equals("keepaside")) {
                if (exists(admin, p[2])) {
                    dropQuietly(admin, p[2]);
                    return false;
                }
                return exists(admin, p[3]);
            }
            if (exists(admin, p[2])) {
                return false; // the rollback's swap did not happen
            }
            dropQuietly(admin, p[3]);
            return true;
        } catch (SQLException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot tell whether an interrupted restore of " + connection.database() + " swapped its"
                            + " database (" + e.getMessage() + "): check the server, then restore again",
                    e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** What the host wrote to the live database since a mark. */
    PgWrites writes() {
        String live = connection.database();
        return new PgWrites(
                () -> connectTo
                        .apply(live, "backupkit-writes")
                        .orElseThrow(() -> new SQLException("no PostgreSQL JDBC driver on the class path")),
                live);
    }

    /** A session on the server's maintenance database: database renames cannot run connected to them. */
    private Connection admin() throws SQLException {
        for (String db : List.of("postgres", "template1")) {
            try {
                Optional<Connection> c = connectTo.apply(db, "backupkit-swap");
                if (c.isPresent()) {
                    return c.get();
                }
            } catch (UnableToRestoreDatabaseException e) {
                LOG.debug("cannot connect to {}: {}", db, e.getMessage());
            }
        }
        throw new SQLException("cannot connect to the maintenance database postgres (or template1)");
    }

    private static boolean exists(Connection admin, String name) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void dropQuietly(Connection admin, String name) {
        boolean interrupted = Thread.interrupted(); // a cancelled restore still removes its new database
        try (Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)");
        } catch (SQLException e) {
            LOG.warn("cannot drop database {}: {}; drop it by hand", name, e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<PgSessions.Session> sessionsOn(Connection admin, String db) throws SQLException {
        List<PgSessions.Session> found = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("SELECT pid, usename, application_name, state,"
                + " to_char(coalesce(state_change, backend_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                + " FROM pg_catalog.pg_stat_activity WHERE datname = ? AND pid <> pg_catalog.pg_backend_pid()"
                // backupkit's own (the lock's session just closed may still be exiting): the rename waits for them
                + " AND coalesce(application_name, '') NOT LIKE 'backupkit%' ORDER BY pid")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new PgSessions.Session(
                            rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return found;
    }

    private static void terminate(Connection admin, List<PgSessions.Session> sessions) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?, 5000)")) {
            for (PgSessions.Session s : sessions) {
                ps.setInt(1, s.pid());
                ps.executeQuery().close();
            }
        }
    }

    /** {@code live} + {@code suffix}, the name shortened (and made unique by a digest) to fit 63 bytes. */
    static String name(String live, String suffix) {
        String full = live + suffix;
        if (full.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME) {
            return full;
        }
        String hash = Integer.toHexString(live.hashCode() & 0xffffff);
        int budget = MAX_NAME - suffix.length() - hash.length() - 1;
        StringBuilder head = new StringBuilder();
        for (int cp : live.codePoints().toArray()) {
            String c = new String(Character.toChars(cp));
            if (head.toString().getBytes(StandardCharsets.UTF_8).length + c.getBytes(StandardCharsets.UTF_8).length
                    > budget) {
                break;
            }
            head.append(c);
        }
        return head + "_" + hash + suffix;
    }

    private static String connString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String ident(String s) {
        return RestorePreamble.ident(s);
    }

    private static String literal(String s) {
        return RestorePreamble.literal(s);
    }

    private static String shorten(String tail) {
        String t = tail == null ? "" : tail.strip();
        return t.length() <= 2000 ? t : "..." + t.substring(t.length() - 2000);
    }
}
