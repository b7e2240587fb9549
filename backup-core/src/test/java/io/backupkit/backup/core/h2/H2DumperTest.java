package io.backupkit.backup.core.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.core.internal.engine.ProviderRegistry;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.tck.DumpFiles;
import io.backupkit.backup.tck.fixtures.H2State;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** H2-specific behaviour beyond the contract: bad input, versions, the rollback path, the file format. */
class H2DumperTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final H2TestDatabase db = H2TestDatabase.perTest();

    private static DatabaseDumper dumper(String url, String user, String password) {
        return new H2DumperProvider()
                .create(new DatabaseConfig(url, user, password == null ? null : Secret.of(password), null, null));
    }

    private DatabaseDumper dumper() {
        return new H2DumperProvider().create(db.config());
    }

    private static DatabaseInfo info(String dumper, String toolVersion) {
        return new DatabaseInfo(dumper, "H2", toolVersion, "SCRIPT", toolVersion, "sql");
    }

    @Test
    void theProviderIsFoundByServiceLoaderAndPicksH2Urls() {
        ProviderRegistry registry = ProviderRegistry.of(getClass().getClassLoader());

        DatabaseDumperProvider provider = registry.dumper("jdbc:h2:file:/srv/app/db", null);

        assertThat(provider).isInstanceOf(H2DumperProvider.class);
        assertThat(provider.id()).isEqualTo("h2");
        assertThat(provider.supports("JDBC:H2:mem:x")).isTrue();
        assertThat(provider.supports("jdbc:postgresql://localhost/db")).isFalse();
        assertThat(provider.supports("jdbc:h2")).isFalse();
    }

    @Test
    void describeNamesH2AndItsVersion() {
        DatabaseDescription d = dumper().describe();

        assertThat(d.product()).isEqualTo("H2");
        assertThat(d.serverVersion()).startsWith("2.3.232");
        assertThat(d.tool()).isEqualTo("SCRIPT");
        assertThat(d.toolVersion()).isEqualTo("2.3.232");
        assertThat(dumper().format()).isEqualTo("sql");
    }

    @Test
    void aWrongPasswordFailsNamingTheUrlButNotThePassword() {
        String wrong = "not-the-Password-42";
        DatabaseDumper d = dumper(db.url, H2TestDatabase.USER, wrong);

        assertThatThrownBy(d::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining(db.url)
                .hasMessageContaining("Wrong user name or password")
                .hasMessageNotContaining(wrong)
                .hasMessageNotContaining(H2TestDatabase.PASSWORD);
        assertThatThrownBy(() -> d.dump(new ByteArrayOutputStream()))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining(db.url)
                .hasMessageNotContaining(wrong);
    }

    @Test
    void aPasswordInTheUrlIsMaskedInMessages() {
        String url = db.url + ";PASSWORD=url-Secret-77";
        DatabaseDumper d = dumper(url, H2TestDatabase.USER, null);

        assertThatThrownBy(d::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("PASSWORD=******")
                .hasMessageNotContaining("url-Secret-77");
        assertThat(d.toString()).doesNotContain("url-Secret-77");
    }

    @Test
    void anUnreachableServerFailsQuicklyNamingTheUrl() {
        DatabaseDumper d = dumper("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", "pw-xyz-123");
        long start = System.nanoTime();

        assertThatThrownBy(() -> d.dump(new ByteArrayOutputStream()))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("jdbc:h2:tcp://127.0.0.1:1/nowhere")
                .hasMessageNotContaining("pw-xyz-123");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aMissingDatabaseIsReportedAndNotCreated() throws IOException {
        Path missing = dir.resolve("missing");
        DatabaseDumper d = dumper("jdbc:h2:file:" + missing, "sa", "pw");

        assertThatThrownBy(d::describe)
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> d.dump(new ByteArrayOutputStream()))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("not found");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("missing"));
        }
    }

    @Test
    void aUserWithoutAdminRightsIsRefusedByDescribe() throws Exception {
        db.execute("CREATE USER \"plain\" PASSWORD 'plain-pw'");

        assertThatThrownBy(() -> dumper(db.url, "plain", "plain-pw").describe())
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("ADMIN");
    }

    @Test
    void unknownOptionsAreRefusedNamingTheKey() {
        DatabaseConfig config = new DatabaseConfig(
                db.url, "SA", null, new ProviderOptions("database.options", Map.of("fetch_szie", 10)), null);

        assertThatThrownBy(() -> new H2DumperProvider().create(config))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("database.options.fetch_szie");
    }

    @Test
    void checkRestorableComparesH2Versions() {
        DatabaseDumper d = dumper();

        assertThatCode(() -> d.checkRestorable(info("h2", "2.3.232"))).doesNotThrowAnyException();
        assertThatCode(() -> d.checkRestorable(info("h2", "2.2.224"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> d.checkRestorable(info("h2", "2.4.240")))
                .isInstanceOf(IncompatibleBackupException.class)
                .hasMessageContaining("2.4.240")
                .hasMessageContaining("Upgrade com.h2database:h2");
        assertThatThrownBy(() -> d.checkRestorable(info("h2", "3.0.1")))
                .isInstanceOf(IncompatibleBackupException.class);
        assertThatThrownBy(() -> d.checkRestorable(info("h2", "1.4.200")))
                .isInstanceOf(IncompatibleBackupException.class)
                .hasMessageContaining("1.4.200");
        assertThatThrownBy(() -> d.checkRestorable(info("h2", null))).isInstanceOf(IncompatibleBackupException.class);
        assertThatThrownBy(() -> d.checkRestorable(info("postgres", "15.4")))
                .isInstanceOf(IncompatibleBackupException.class)
                .hasMessageContaining("postgres");
        assertThatThrownBy(() -> d.checkRestorable(new DatabaseInfo("h2", "H2", "2.3.232", "SCRIPT", "2.3.232", "zip")))
                .isInstanceOf(IncompatibleBackupException.class);
    }

    @Test
    void aDumpIsAFramedH2ScriptThatRunscriptLoadsByHand() throws Exception {
        db.createFixture();
        String before = db.snapshot();
        Path dump = DumpFiles.dumpTo(dumper(), dir.resolve("db.sql"));
        List<String> lines = Files.readAllLines(dump, StandardCharsets.UTF_8);

        assertThat(lines.get(0)).isEqualTo(H2DumpFormat.HEADER);
        assertThat(lines.get(1)).isEqualTo("-- H2 2.3.232;");
        assertThat(lines.get(lines.size() - 1))
                .matches("-- backupkit h2 dump end: statements=\\d+ sha256=[0-9a-f]{64}");
        assertThat(String.join("\n", lines)).doesNotContain(H2TestDatabase.PASSWORD);

        String otherUrl = "jdbc:h2:file:" + dir.resolve("other/db");
        try (Connection c = DriverManager.getConnection(otherUrl, "SA", "x");
                Statement s = c.createStatement()) {
            s.execute("RUNSCRIPT FROM '" + dump + "'");
        }
        // SA keeps the password it was created with: CREATE USER IF NOT EXISTS leaves it alone
        assertThat(snapshotOf(otherUrl, "SA", "x")).isEqualTo(before);
    }

    private static String snapshotOf(String url, String user, String password) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            return H2State.of(c);
        }
    }

    @Test
    void sequencesAndIdentitiesContinueFromTheirBackedUpValues() throws Exception {
        db.createFixture();
        DatabaseDumper d = dumper();
        Path dump = DumpFiles.dumpTo(d, dir.resolve("db.sql"));
        long nextOrder =
                db.queryLong("SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME = 'order_seq'");
        db.execute(
                "CALL NEXT VALUE FOR \"Ünïcødé\".\"order_seq\"",
                "CALL NEXT VALUE FOR \"Ünïcødé\".\"order_seq\"",
                "INSERT INTO customer(email) VALUES ('x@example.org')",
                "DELETE FROM customer WHERE email = 'x@example.org'");

        d.restore(DumpFiles.source(dump, DumpFiles.infoOf(d)));

        assertThat(db.queryLong("SELECT NEXT VALUE FOR \"Ünïcødé\".\"order_seq\""))
                .isEqualTo(nextOrder);
        db.execute("INSERT INTO customer(email) VALUES ('y@example.org')");
        assertThat(db.queryLong("SELECT id FROM customer WHERE email = 'y@example.org'"))
                .isEqualTo(4);
    }

    @Test
    void aStatementFailingHalfwayPutsTheDatabaseBack() throws Exception {
        db.createFixture();
        DatabaseDumper d = dumper();
        Path dump = DumpFiles.dumpTo(d, dir.resolve("db.sql"));
        Path broken = reframeWithFailureHalfway(dump, dir.resolve("broken.sql"));
        db.changeEverything();
        String before = db.snapshot();

        assertThatThrownBy(() -> d.restore(DumpFiles.source(broken, DumpFiles.infoOf(d))))
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("NO_SUCH_TABLE")
                .hasMessageContaining("put back as it was");

        assertThat(db.snapshot()).isEqualTo(before);
        assertThat(Files.list(dir.resolve("broken.sql.work")).count())
                .as("rollback file deleted")
                .isZero();
    }

    @Test
    void anInterruptedDumpStopsWithCancellationAndLeavesTheDatabaseHealthy() throws Exception {
        db.createFixture();
        String before = db.snapshot();
        DatabaseDumper d = dumper();

        Thread.currentThread().interrupt();
        Throwable thrown;
        try {
            thrown = org.assertj.core.api.Assertions.catchThrowable(() -> d.dump(new ByteArrayOutputStream()));
        } finally {
            Thread.interrupted();
        }

        assertThat(thrown).isInstanceOf(io.backupkit.backup.BackupCancelledException.class);
        assertThat(db.snapshot()).isEqualTo(before);
    }

    @Test
    void aDumpRestoresIntoANewDatabase() throws Exception {
        db.createFixture();
        String before = db.snapshot();
        DatabaseDumper d = dumper();
        Path dump = DumpFiles.dumpTo(d, dir.resolve("db.sql"));
        String fresh = "jdbc:h2:file:" + dir.resolve("fresh/db");
        DatabaseDumper target = dumper(fresh, H2TestDatabase.USER, H2TestDatabase.PASSWORD);

        target.restore(DumpFiles.source(dump, DumpFiles.infoOf(d)));

        assertThat(snapshotOf(fresh, H2TestDatabase.USER, H2TestDatabase.PASSWORD))
                .isEqualTo(before);
    }

    @Test
    void anInMemoryDatabaseRoundTrips() throws Exception {
        String url = "jdbc:h2:mem:roundtrip" + System.nanoTime() + ";DB_CLOSE_DELAY=-1;";
        try (Connection keep = DriverManager.getConnection(url, "SA", "pw");
                Statement s = keep.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR)");
            s.execute("INSERT INTO t VALUES (1, 'one'), (2, NULL)");
            String before = snapshotOf(url, "SA", "pw");
            DatabaseDumper d = dumper(url, "SA", "pw");
            Path dump = DumpFiles.dumpTo(d, dir.resolve("mem.sql"));
            s.execute("DELETE FROM t");
            s.execute("CREATE TABLE later(id INT)");

            d.restore(DumpFiles.source(dump, DumpFiles.infoOf(d)));

            assertThat(snapshotOf(url, "SA", "pw")).isEqualTo(before);
            s.execute("SHUTDOWN");
        }
    }

    @Test
    void aRestoreThatRunsOutOfTimeIsPutBack() throws Exception {
        db.createFixture();
        DatabaseDumper d = dumper();
        Path dump = DumpFiles.dumpTo(d, dir.resolve("db.sql"));
        db.changeEverything();
        String before = db.snapshot();
        DatabaseDumper hasty = new H2DumperProvider()
                .create(new DatabaseConfig(
                        db.url, H2TestDatabase.USER, Secret.of(H2TestDatabase.PASSWORD), null, Duration.ofNanos(1)));

        assertThatThrownBy(() -> hasty.restore(DumpFiles.source(dump, DumpFiles.infoOf(d))))
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("timeout")
                .hasMessageContaining("put back as it was");

        assertThat(db.snapshot()).isEqualTo(before);
    }

    /** A correctly framed dump whose middle statement fails: only the rollback path can catch it. */
    private static Path reframeWithFailureHalfway(Path dump, Path target) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(dump, StandardCharsets.UTF_8));
        lines.remove(lines.size() - 1); // the old end line
        lines.remove(0); // the header
        lines.add(lines.size() / 2, "INSERT INTO NO_SUCH_TABLE VALUES (1);");
        String body = H2DumpFormat.HEADER + "\n" + String.join("\n", lines) + "\n";
        SqlStatementReader r = new SqlStatementReader(new StringReader(body));
        long statements = 0;
        while (r.next() != null) {
            statements++;
        }
        var sha = H2DumpFormat.sha256();
        sha.update(body.getBytes(StandardCharsets.UTF_8));
        Files.writeString(target, body + H2DumpFormat.trailer(statements, sha), StandardCharsets.UTF_8);
        return target;
    }
}
