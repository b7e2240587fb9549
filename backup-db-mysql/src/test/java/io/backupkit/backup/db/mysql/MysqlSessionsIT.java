package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.DatabaseInUseException;
import io.backupkit.backup.RestoreOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The host's own sessions during a restore on MariaDB: refused fast and named, or ended when asked. */
class MysqlSessionsIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final FreshMariaDb fresh = FreshMariaDb.perTest(RichFixture::create);

    @Test
    void anOpenTransactionOfTheHostIsNamedAndTheRestoreRefusedThenEndedWhenAsked() throws Exception {
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(MariaDbServer.url(fresh.name()), MariaDbServer.ROOT, null)
                .spoolDir(dir.resolve("spool"))
                .build()) {
            BackupInfo backup = backups.create().backup();
            RichFixture.change(fresh.name());
            String changed = MysqlSnapshots.of(fresh.name());
            try (Connection host = MariaDbServer.root(fresh.name())) {
                host.setAutoCommit(false);
                try (Statement st = host.createStatement()) {
                    st.execute("SELECT COUNT(*) FROM information_schema.TABLES"); // a session of the host's
                }
                long t0 = System.nanoTime();
                assertThatThrownBy(() ->
                                backups.restore(RestoreOptions.of(backup.id()).withSafetyBackup(false)))
                        .isInstanceOfSatisfying(DatabaseInUseException.class, e -> assertThat(e.sessions())
                                .singleElement()
                                .asString()
                                .startsWith("connection ")
                                .contains("user " + MariaDbServer.ROOT + "@"))
                        .hasMessageContaining("Nothing was changed");
                assertThat(System.nanoTime() - t0)
                        .as("fails fast")
                        .isLessThan(Duration.ofSeconds(15).toNanos());
                assertThat(MysqlSnapshots.of(fresh.name())).isEqualTo(changed);

                backups.restore(
                        RestoreOptions.of(backup.id()).withSafetyBackup(false).terminatingSessions());
                assertThat(host.isValid(2)).as("the host's session was ended").isFalse();
            }
            assertThat(MysqlSnapshots.of(fresh.name())).isNotEqualTo(changed);
        }
    }
}
