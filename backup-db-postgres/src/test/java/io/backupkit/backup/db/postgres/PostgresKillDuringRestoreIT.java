package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.tck.KillDuringRestore;
import io.backupkit.backup.tck.KillDuringRestore.Outcome;
import io.backupkit.backup.tck.fixtures.RestoreKillFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T28, restore side, on PostgreSQL: SIGTERM and SIGKILL of a restoring child JVM during the media
 * verification, while pg_restore/psql replace the database (the restore's session holds its
 * exclusive locks), and between the media swap and {@code COMMIT} leave database and media folder
 * together as they were; a new restore runs at once and is exact. And the target lock: two restores
 * of one database from two storage folders (with two media folders, so that the database's advisory
 * lock is what refuses) do not run at once.
 */
class PostgresKillDuringRestoreIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest(PgFixture::create);

    private RestoreKillFixture target;
    private Path media;

    @BeforeEach
    void setUp() throws Exception {
        target = RestoreKillFixture.create(dir, 7, db.jdbcUrl(), PgTestDatabase.ADMIN, "it", "1.0");
        media = target.media();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (db.name != null) { // null when the server was not there
            db.awaitNoRestoreSession();
        }
    }

    private List<Object> state() throws Exception {
        return List.of(db.snapshot(), KillDuringRestore.mediaState(media));
    }

    @Test
    void aStoppedRestoreLeavesBothPartsAsTheyWere() throws Exception {
        KillDuringRestore kills = target.killsAfterABackup(
                PostgresRestoreChildMain.class,
                this::state,
                n -> db.exec("CREATE TABLE public.newer_" + n + " (x int)"));

        assertThat(kills.stopAt("DOWNLOAD_VERIFY:START", false)).isEqualTo(Outcome.OLD);
        assertThat(kills.stopAt("DATABASE_RESTORE:START", false)).isEqualTo(Outcome.OLD);
        assertThat(kills.stopAt("MEDIA_RESTORE:END", false)).isEqualTo(Outcome.OLD);
        assertThat(kills.stopAt("DOWNLOAD_VERIFY:START", true)).isEqualTo(Outcome.OLD);
        assertThat(kills.killWhen("the restore session holds its locks", this::restoreHoldsLocks))
                .isEqualTo(Outcome.OLD);
        assertThat(kills.stopAt("MEDIA_RESTORE:END", true))
                .as("killed between the media swap and COMMIT: the server rolled back, the swap is undone")
                .isEqualTo(Outcome.OLD);
    }

    /**
     * The server ends a killed client's session only once it notices the dead connection, later on a
     * loaded machine; until then the advisory lock is still held. A manager that started then left
     * the interrupted restore half done (the media folder swapped, the database rolled back). Here a
     * session of the test takes the lock as the killed child's session lets it go and holds it for
     * two seconds, as a slow server would: the manager's start waits for it and undoes the restore.
     */
    @Test
    void aKilledRestoresLingeringSessionDelaysItsRecoveryButDoesNotSkipIt() throws Exception {
        target.lingeringSessionDelaysRecovery(
                PostgresRestoreChildMain.class,
                "MEDIA_RESTORE:END",
                this::state,
                () -> db.exec("CREATE TABLE public.newer (x int)"),
                () -> PgTestDatabase.admin(db.name),
                PostgresKillDuringRestoreIT::tryAdvisoryLock);
    }

    private static boolean tryAdvisoryLock(Connection c) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_try_advisory_lock(" + 0x626b7570 + ", 1)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private boolean restoreHoldsLocks() {
        try (Connection c = PgTestDatabase.admin("postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a"
                        + " ON a.pid = l.pid WHERE a.application_name LIKE 'backupkit-restore%' AND a.datname = '"
                        + db.name + "' AND l.mode = 'AccessExclusiveLock'")) {
            rs.next();
            return rs.getLong(1) > 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void twoRestoresOfOneDatabaseFromTwoStoragesDoNotOverlap() throws Exception {
        target.twoStoragesDoNotOverlap(
                PostgresRestoreChildMain.class,
                db::snapshot,
                () -> db.exec("CREATE TABLE public.newer (x int)"),
                (refused, child) -> assertThat(refused)
                        .hasMessageContaining(db.name)
                        .hasMessageContaining(
                                "backupkit-lock pid " + child.process().pid()));
    }
}
