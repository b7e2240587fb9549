package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords against a server that checks them (the shared local server trusts every connection):
 * on a private {@link ScramCluster}, proves
 * that the password reaches pg_dump and psql through the PGPASSFILE (with {@code :} and {@code \} in
 * it), and that a wrong or missing password is a typed error naming the cause.
 */
class PostgresAuthIT {
    @RegisterExtension
    static final ScramCluster CLUSTER = new ScramCluster();

    private static final String PASSWORD = CLUSTER.password();

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabase() throws Exception {
        CLUSTER.createApp(500);
    }

    private static Connection connect(String db, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        return DriverManager.getConnection(url(db), p);
    }

    private static String url(String db) {
        return CLUSTER.url(db);
    }

    private static DatabaseDumper dumper(Secret password) {
        return new PostgresDumperProvider().create(new DatabaseConfig(url("app"), "postgres", password, null, null));
    }

    @Test
    void thePasswordReachesPgDumpAndPsqlThroughThePassFile() throws Exception {
        DatabaseDumper d = dumper(Secret.of(PASSWORD));
        DatabaseInfo info = PgTestDatabase.infoOf(d);
        Path dump = DumpFiles.dumpTo(d, dir.resolve("app.pgdump"));
        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("DELETE FROM t WHERE g > 10");
            st.execute("CREATE TABLE later (x int)");
        }

        d.restore(DumpFiles.source(dump, info));

        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT (SELECT count(*) FROM t), to_regclass('public.later') IS NULL")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(500);
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    @Test
    void aWrongPasswordIsNamed() {
        DatabaseDumper d = dumper(Secret.of("not-the-password"));

        assertThatThrownBy(d::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("refused the password for user postgres")
                .hasMessageNotContaining("not-the-password");
        assertThatThrownBy(() -> d.restore(DumpFiles.source(
                        dir.resolve("none"),
                        new DatabaseInfo("postgres", "PostgreSQL", "15", "pg_dump", "15", "pgdump"))))
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("refused the password");
    }

    @Test
    void aMissingPasswordIsNamed() {
        assertThatThrownBy(() -> dumper(null).describe())
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("asks for a password")
                .hasMessageContaining("none is configured");
    }

    @Test
    void pgDumpItselfReportsARefusedPassword() throws Exception {
        String role = "bk_changing_" + PgTestDatabase.random();
        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'first:pw' IN ROLE pg_read_all_data");
        }
        DatabaseDumper d = new PostgresDumperProvider()
                .create(new DatabaseConfig(url("app"), role, Secret.of("first:pw"), null, null));
        d.describe();
        try (Connection c = connect("app", PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + role + " PASSWORD 'second'");
        }

        assertThatThrownBy(() -> d.dump(new java.io.ByteArrayOutputStream()))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("pg_dump failed")
                .hasMessageContaining("refused the password for user " + role)
                .hasMessageNotContaining("first:pw");
    }
}
