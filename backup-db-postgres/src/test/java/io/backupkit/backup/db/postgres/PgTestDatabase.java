package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.ProviderOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Test fixture: the local PostgreSQL server (127.0.0.1:5432, user postgres), a fresh database per
 * test ({@code bk_it_<random>}) dropped afterwards, and canonical snapshots of a database's state.
 * When the server is unreachable the test is skipped, or fails when {@code backup.it.required} is
 * {@code true}.
 */
final class PgTestDatabase implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
    static final String HOST = System.getProperty("backup.it.pg.host", "127.0.0.1");
    static final int PORT = Integer.getInteger("backup.it.pg.port", 5432);
    static final String ADMIN = System.getProperty("backup.it.pg.user", "postgres");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Set once the database exists; for {@link #perTest} at each test's start. */
    String name;

    private final List<String> roles = new ArrayList<>();
    private final Setup setUp;

    private PgTestDatabase(String name, Setup setUp) {
        this.name = name;
        this.setUp = setUp;
    }

    /** What a test class does to its new database before each test. */
    @FunctionalInterface
    interface Setup {
        void on(PgTestDatabase db) throws Exception;
    }

    /**
     * As a field with {@code @RegisterExtension}: a new database before each test (before the
     * class's {@code @BeforeEach} methods), given to {@code setUp}, dropped after it (after the
     * class's {@code @AfterEach} methods).
     */
    static PgTestDatabase perTest(Setup setUp) {
        return new PgTestDatabase(null, setUp);
    }

    /** {@link #perTest(Setup)} with an empty database. */
    static PgTestDatabase perTest() {
        return perTest(db -> {});
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        name = newDatabase("bk_it_");
        setUp.on(this);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (name != null) {
            close();
        }
    }

    /** Skips (or fails in CI) when the server is not there. */
    static void requireServer() {
        try (Connection c = admin("postgres")) {
            c.isValid(5);
        } catch (SQLException e) {
            String reason = "PostgreSQL at " + HOST + ":" + PORT + " is not reachable: " + e.getMessage();
            if (Boolean.getBoolean("backup.it.required")) {
                fail(reason + " (backup.it.required=true)");
            }
            assumeTrue(false, reason);
        }
    }

    static PgTestDatabase create() throws SQLException {
        return create("bk_it_");
    }

    /** A new database whose name starts with {@code prefix}. */
    static PgTestDatabase create(String prefix) throws SQLException {
        return new PgTestDatabase(newDatabase(prefix), db -> {});
    }

    private static String newDatabase(String prefix) throws SQLException {
        requireServer();
        String name = prefix + random();
        try (Connection c = admin("postgres");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    static String random() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static Connection admin(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", ADMIN);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + db, p);
    }

    Connection connect() throws SQLException {
        return admin(name);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + name;
    }

    DatabaseConfig config(Map<String, ?> options) {
        return config(ADMIN, null, options);
    }

    DatabaseConfig config(String user, Secret password, Map<String, ?> options) {
        return new DatabaseConfig(
                jdbcUrl(), user, password, new ProviderOptions("database.options", options), Duration.ofMinutes(2));
    }

    PostgresDumper dumper() {
        return (PostgresDumper) new PostgresDumperProvider().create(config(Map.of()));
    }

    /** A login role with a password, dropped with the database. */
    String createRole(String prefix, String password) throws SQLException {
        String role = prefix + random();
        exec("CREATE ROLE " + role + " LOGIN PASSWORD " + RestorePreamble.literal(password));
        roles.add(role);
        return role;
    }

    void exec(String... sql) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static DatabaseInfo infoOf(DatabaseDumper dumper) {
        DatabaseDescription d = dumper.describe();
        return new DatabaseInfo(
                dumper.id(), d.product(), d.serverVersion(), d.tool(), d.toolVersion(), dumper.format());
    }

    /**
     * The schema as {@code pg_dump --schema-only} prints it (minus the random {@code \restrict} key),
     * then one digest per table, materialized view and sequence state, and the large objects.
     */
    String snapshot() throws Exception {
        StringBuilder s = new StringBuilder(schemaDump());
        s.append("\n-- data\n");
        for (Map.Entry<String, String> e : dataDigests().entrySet()) {
            s.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        return s.toString();
    }

    String schemaDump() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                new PgTools(null, "test")
                        .find(List.of("pg_dump"), null, "")
                        .tool("pg_dump")
                        .toString(),
                "--schema-only",
                "--no-password",
                "-h",
                HOST,
                "-p",
                Integer.toString(PORT),
                "-U",
                ADMIN,
                name);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor()).as("pg_dump --schema-only exit code").isZero();
        return out.lines()
                .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
                .reduce(new StringBuilder(), (b, l) -> b.append(l).append('\n'), StringBuilder::append)
                .toString();
    }

    /** md5 of every table's and materialized view's rows (sorted), sequence states, large objects. */
    Map<String, String> dataDigests() throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            List<String> relations = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), c.relkind"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1")) {
                while (rs.next()) {
                    relations.add(rs.getString(1));
                }
            }
            for (String rel : relations) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n'"
                        + " ORDER BY t::text)), '-') FROM " + rel + " t")) {
                    rs.next();
                    out.put("table " + rel, rs.getString(1));
                }
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT schemaname || '.' || sequencename, last_value::text" + " FROM pg_sequences ORDER BY 1")) {
                while (rs.next()) {
                    out.put("sequence " + rs.getString(1), String.valueOf(rs.getString(2)));
                }
            }
            try (ResultSet rs =
                    st.executeQuery("SELECT oid::text, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid")) {
                while (rs.next()) {
                    out.put("large object " + rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** Waits until no restore session of this database is left (a killed client's backend rolls back). */
    void awaitNoRestoreSession() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = admin("postgres");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + name
                            + "' AND application_name LIKE 'backupkit-restore%'")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        fail("a restore session of " + name + " is still open");
    }

    /** Databases named {@code <name>__...}: kept aside or being restored beside this one. */
    List<String> databasesBeside() throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = admin("postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT datname FROM pg_database WHERE datname LIKE '" + name + "\\_\\_%' ORDER BY 1")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = admin("postgres");
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            for (String other : databasesBeside()) { // what a keep-aside restore left
                st.execute("DROP DATABASE IF EXISTS \"" + other + "\" WITH (FORCE)");
            }
            for (String role : roles) {
                st.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }

    static byte[] dumpBytes(DatabaseDumper dumper) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dumper.dump(out);
        return out.toByteArray();
    }
}
