package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDumpDatabaseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong password through the library's front door, against a server that checks it with
 * scram-sha-256 (a private {@link ScramCluster}): check, create and restore each fail within seconds
 * with a typed exception that names the cause in the caller's terms (no CLI variable, never the
 * password), and change nothing: no object in the storage, no lease left, the database and the
 * media folder as they were.
 */
class PostgresWrongPasswordIT {
    @RegisterExtension
    static final ScramCluster CLUSTER = new ScramCluster();

    private static final String WRONG = "wrong-" + PgTestDatabase.random();
    private static final long SECONDS_15 = 15_000_000_000L;

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabase() throws Exception {
        CLUSTER.createApp(100);
    }

    private BackupManager manager(String password) throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        return BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(CLUSTER.url("app"), "postgres", Secret.of(password))
                .dumper("postgres", Map.of())
                .mediaDir(media)
                .build();
    }

    @Test
    void aWrongPasswordFailsCheckCreateAndRestoreQuicklyAndChangesNothing() throws Exception {
        Files.createDirectories(dir.resolve("media"));
        Files.writeString(dir.resolve("media/photo.txt"), "before", StandardCharsets.UTF_8);
        try (BackupManager right = manager(CLUSTER.password())) {
            right.create();
        }
        try (Connection c = CLUSTER.connect("app");
                Statement st = c.createStatement()) {
            st.execute("DELETE FROM t WHERE g > 40"); // the state a failed restore must leave
        }
        List<String> stored = files(dir.resolve("backups"));

        try (BackupManager wrong = manager(WRONG)) {
            assertQuickly(wrong::check, BackupConfigurationException.class);
            assertThatThrownBy(wrong::check).isInstanceOfSatisfying(BackupConfigurationException.class, e -> assertThat(
                            e.problems())
                    .anySatisfy(p ->
                            assertThat(p).startsWith("database: ").contains("refused the password for user postgres")));
            assertQuickly(wrong::create, UnableToDumpDatabaseException.class);
            assertQuickly(() -> wrong.restore(RestoreOptions.latest()), BackupException.class);
            assertQuickly(() -> wrong.restore(RestoreOptions.latest().withSafetyBackup(false)), BackupException.class);
        }

        assertThat(files(dir.resolve("backups")))
                .as("nothing written, no lease left")
                .isEqualTo(stored);
        assertThat(rows()).as("the database as it was").isEqualTo(40);
        assertThat(Files.readString(dir.resolve("media/photo.txt"))).isEqualTo("before");
        try (Stream<Path> media = Files.list(dir.resolve("media"))) {
            assertThat(media).hasSize(1);
        }
        try (BackupManager right = manager(CLUSTER.password())) {
            assertThat(right.create().id()).as("the next create runs at once").isNotNull();
        }
    }

    /** Fails within seconds with {@code type}, the message naming the refused password only. */
    private static void assertQuickly(ThrowingCallable call, Class<? extends BackupException> type) {
        long t0 = System.nanoTime();
        assertThatThrownBy(call)
                .isInstanceOf(type)
                .hasMessageContaining("refused the password for user postgres")
                .hasMessageNotContaining(WRONG)
                .hasMessageNotContaining("BACKUP_")
                .hasMessageNotContaining("backup create");
        assertThat(System.nanoTime() - t0).as("within seconds").isLessThan(SECONDS_15);
    }

    private static List<String> files(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long rows() throws Exception {
        try (Connection c = CLUSTER.connect("app");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
