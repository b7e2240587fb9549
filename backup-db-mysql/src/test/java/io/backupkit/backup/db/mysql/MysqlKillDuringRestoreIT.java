package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.KillDuringRestore;
import io.backupkit.backup.tck.KillDuringRestore.Outcome;
import io.backupkit.backup.tck.fixtures.RestoreKillFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T28, restore side, on MariaDB: SIGTERM and SIGKILL of a restoring child JVM during the media
 * verification, while the database is being replaced (after the rollback snapshot, once the newer
 * table is gone), and between the media swap and the end of the restore leave database and media
 * folder together as they were or together as the backup, once the next manager started (it loads
 * the rollback snapshot back or finishes the swap); a new restore runs at once and is exact. And
 * two restores of one database from two storage folders do not run at once ({@code GET_LOCK}).
 */
class MysqlKillDuringRestoreIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final FreshMariaDb fresh = FreshMariaDb.perTest(RichFixture::create);

    private RestoreKillFixture target;
    private Path media;

    @BeforeEach
    void setUp() throws Exception {
        target = RestoreKillFixture.create(
                dir, 9, MariaDbServer.url(fresh.name()), MariaDbServer.ROOT, "mysql-it", "1.0.0");
        media = target.media();
    }

    private BackupManager.Builder builder(String backups, Path mediaDir) {
        return target.builder(backups, mediaDir);
    }

    private List<Object> state() throws Exception {
        return List.of(MysqlSnapshots.of(fresh.name()), KillDuringRestore.mediaState(media));
    }

    @Test
    void aStoppedRestoreLeavesBothPartsOldOrBothNew() throws Exception {
        KillDuringRestore kills = target.killsAfterABackup(
                MysqlRestoreChildMain.class,
                this::state,
                n -> MariaDbServer.exec(fresh.name(), "CREATE TABLE newer_" + n + " (x int)"));

        assertThat(kills.stopAt("DOWNLOAD_VERIFY:START", false)).isEqualTo(Outcome.OLD);
        assertThat(kills.stopAt("DATABASE_RESTORE:START", false)).isEqualTo(Outcome.OLD);
        assertThat(kills.stopAt("MEDIA_RESTORE:END", false)).isEqualTo(Outcome.OLD);
        assertThat(kills.stopAt("DOWNLOAD_VERIFY:START", true)).isEqualTo(Outcome.OLD);
        assertThat(kills.stopAt("MEDIA_RESTORE:END", true))
                .as("between the commits: the backup was loaded whole, so the swap is finished")
                .isEqualTo(Outcome.BACKUP);
        Path journal = dir.resolve(".media.restore-journal");
        int marker = target.changes() + 1; // the table the next change creates
        kills.killWhen("the database is being replaced", () -> beingReplaced(journal, marker));
    }

    /**
     * The server ends a killed client's session (and its {@code GET_LOCK}) only once it notices the
     * dead connection, later on a loaded machine. A manager that started then left the killed
     * restore's journal behind. Here a session of the test takes the lock as the child's goes and
     * holds it for two seconds, as a slow server would: the manager's start waits and recovers.
     */
    @Test
    void aKilledRestoresLingeringSessionDelaysItsRecoveryButDoesNotSkipIt() throws Exception {
        target.lingeringSessionDelaysRecovery(
                MysqlRestoreChildMain.class,
                "DOWNLOAD_VERIFY:START",
                this::state,
                () -> MariaDbServer.exec(fresh.name(), "CREATE TABLE newer (x int)"),
                () -> MariaDbServer.root(fresh.name()),
                this::getLock);
    }

    private boolean getLock(java.sql.Connection c) throws Exception {
        try (var ps = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            String name = "backupkit:" + fresh.name();
            ps.setString(1, name.length() <= 64 ? name : name.substring(0, 64));
            try (var rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /** The rollback snapshot is taken and the newer table is gone: the backup is being loaded. */
    private boolean beingReplaced(Path journal, int marker) {
        try {
            return Files.readString(journal).contains("token=")
                    && MariaDbServer.query(
                                    fresh.name(),
                                    "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                                            + fresh.name() + "' AND TABLE_NAME = 'newer_" + marker + "'")
                            .get(0)
                            .get(0)
                            .equals("0");
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void twoRestoresOfOneDatabaseFromTwoStoragesDoNotOverlap() throws Exception {
        target.twoStoragesDoNotOverlap(
                MysqlRestoreChildMain.class,
                () -> MysqlSnapshots.of(fresh.name()),
                () -> MariaDbServer.exec(fresh.name(), "CREATE TABLE newer (x int)"),
                (refused, child) -> assertThat(refused)
                        .hasMessageContaining("'" + fresh.name() + "'")
                        .hasMessageContaining("connection "));
    }

    @Test
    void aKilledRollbackLeavesBothPartsRestoredOrBothRolledBack() throws Exception {
        List<Object> changed;
        try (BackupManager backups = builder("backups", media).build()) {
            String id = backups.create().backup().id().value();
            RichFixture.change(fresh.name());
            Files.writeString(media.resolve("after.txt"), "written after the backup");
            changed = state();
            backups.restore(io.backupkit.backup.RestoreOptions.of(id));
        }
        List<Object> restored = state();
        assertThat(restored).isNotEqualTo(changed);

        killRollback("DATABASE_RESTORE:START");
        try (BackupManager backups = builder("backups", media).build()) { // recovers at its start
            assertThat(state()).as("killed before any change: as restored").isEqualTo(restored);
            assertThat(backups.keptAside()).isPresent();
        }
        killRollback("DATABASE_RESTORE:END");
        try (BackupManager backups = builder("backups", media).build()) {
            assertThat(state())
                    .as("killed after the database, before the media folder: finished, both rolled back")
                    .isEqualTo(changed);
            assertThat(backups.keptAside()).isEmpty();
        }
    }

    private void killRollback(String pauseAt) throws Exception {
        target.killRollback(MysqlRestoreChildMain.class, "backups", pauseAt);
    }
}
