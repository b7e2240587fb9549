package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.tck.fixtures.HostSession;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's own sessions during a restore: refused fast and named by default, ended when asked, and
 * a lock wait bounded by the lock timeout, each with the database left as it was on refusal.
 */
class PostgresSessionsIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest();

    @BeforeEach
    void setUp() throws Exception {
        db.exec("CREATE TABLE part (id INT PRIMARY KEY)", "INSERT INTO part VALUES (1)");
    }

    private BackupManager manager() {
        return BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(db.jdbcUrl(), PgTestDatabase.ADMIN, null)
                .spoolDir(dir.resolve("spool"))
                .build();
    }

    private Connection hostSession(String applicationName) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", PgTestDatabase.ADMIN);
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(db.jdbcUrl(), p);
    }

    @Test
    void anOpenTransactionOfTheHostIsNamedAndTheRestoreRefusedThenEndedWhenAsked() throws Exception {
        try (BackupManager backups = manager()) {
            BackupInfo backup = backups.create().backup();
            db.exec("INSERT INTO part VALUES (2)");
            HostSession.refusedThenEndedWhenAsked(
                    backups,
                    backup.id(),
                    db::snapshot,
                    () -> hostSession("inventory-web"),
                    "SELECT * FROM part", // idle in transaction, holding a lock on part
                    session -> assertThat(session)
                            .contains("application 'inventory-web'")
                            .contains("idle in transaction")
                            .contains("user " + PgTestDatabase.ADMIN));
        }
    }

    @Test
    void aLockHeldPastTheLockTimeoutRollsBackWithTheDatabaseUnchanged() throws Exception {
        try (BackupManager backups = manager()) {
            BackupInfo backup = backups.create().backup();
            db.exec("INSERT INTO part VALUES (2)");
            String changed = db.snapshot();
            // a session that came after the check (here: one the check takes for backupkit's own)
            try (Connection late = hostSession("backupkit-test-late")) {
                late.setAutoCommit(false);
                try (Statement st = late.createStatement()) {
                    st.execute("LOCK TABLE part IN ACCESS SHARE MODE");
                }
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> backups.restore(RestoreOptions.of(backup.id())
                                .withSafetyBackup(false)
                                .lockTimeout(Duration.ofSeconds(2))))
                        .isInstanceOf(UnableToRestoreDatabaseException.class)
                        .hasMessageContaining("lock timeout")
                        .hasMessageContaining("left as it was");
                assertThat(System.nanoTime() - t0)
                        .isLessThan(Duration.ofSeconds(20).toNanos());
                late.rollback();
            }
            assertThat(db.snapshot()).isEqualTo(changed);
        }
    }
}
