package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.fixtures.HostSession;
import java.nio.file.Path;
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
            HostSession.refusedThenEndedWhenAsked(
                    backups,
                    backup.id(),
                    () -> MysqlSnapshots.of(fresh.name()),
                    () -> MariaDbServer.root(fresh.name()),
                    "SELECT COUNT(*) FROM information_schema.TABLES", // a session of the host's
                    session ->
                            assertThat(session).startsWith("connection ").contains("user " + MariaDbServer.ROOT + "@"));
        }
    }
}
