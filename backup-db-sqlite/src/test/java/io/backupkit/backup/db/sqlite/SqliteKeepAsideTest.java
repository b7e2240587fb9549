package io.backupkit.backup.db.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.RollbackOptions;
import io.backupkit.backup.RollbackWouldLoseDataException;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keep-aside on real SQLite files: a restore keeps the replaced file beside the live one and a
 * rollback renames it back byte for byte; a restore or rollback stopped at or around its swap
 * (SIGKILL in a child JVM) leaves the old or the new file, never a mix, and the next run removes
 * what it left.
 */
class SqliteKeepAsideTest {
    @TempDir
    Path dir;

    private Path db;
    private DatabaseDumper dumper;
    private Path dump;
    private String backupState;
    private String before;
    private byte[] beforeBytes;

    static BackupManager.Builder builder(Path dir, Path db) {
        return BackupManager.builder()
                .storage("filesystem", dir.resolve("backups").toString(), Map.of())
                .database(SqliteFiles.url(db), null, null)
                .mediaDir(dir.resolve("media"))
                .spoolDir(dir.resolve("spool"))
                .hostApplication("it", "1.0")
                .leaseTtl(Duration.ofSeconds(2));
    }

    @BeforeEach
    void backedUpThenChanged() throws Exception {
        db = dir.resolve("app.db");
        SqliteRoundTripTest.createRichDatabase(db);
        dumper = SqliteFiles.dumper(db);
        backupState = SqliteFiles.snapshot(db);
        dump = DumpFiles.dumpTo(
                dumper, Files.createDirectories(dir.resolve("dumps")).resolve("app.sqlite3"));
        SqliteFiles.exec(
                db,
                "DELETE FROM part WHERE id = 1",
                "CREATE TABLE added_later(x)",
                "PRAGMA user_version = 9",
                "PRAGMA wal_checkpoint(TRUNCATE)");
        before = SqliteFiles.snapshot(db);
        beforeBytes = Files.readAllBytes(db);
    }

    @Test
    void aRestoreKeepsTheReplacedFileAsideAndARollbackPutsItBackByteForByte() throws Exception {
        Files.createDirectories(dir.resolve("media"));
        Files.writeString(dir.resolve("media/a.txt"), "from the backup");
        try (BackupManager backups = builder(dir, db).build()) {
            BackupInfo backup = backups.create().backup();
            String backedUp = SqliteFiles.snapshot(db);
            SqliteFiles.exec(db, "DELETE FROM part", "PRAGMA wal_checkpoint(TRUNCATE)");
            String changed = SqliteFiles.snapshot(db);
            byte[] changedBytes = Files.readAllBytes(db);
            assertThat(dumper.whyNotKeepAside()).isEmpty();

            RestoreResult r = backups.restore(RestoreOptions.of(backup.id()));

            assertThat(r.safetyBackup())
                    .as("no safety backup in keep-aside mode")
                    .isEmpty();
            assertThat(SqliteFiles.snapshot(db)).isEqualTo(backedUp);
            assertThat(ownFiles()).singleElement().satisfies(aside -> {
                assertThat(aside.getFileName().toString()).startsWith(".app.db.aside-");
                assertThat(Files.readAllBytes(aside)).isEqualTo(changedBytes);
            });
            assertThat(backups.keptAside())
                    .hasValueSatisfying(k -> assertThat(k.database()).isTrue());

            backups.rollback(RollbackOptions.defaults());

            assertThat(Files.readAllBytes(db)).isEqualTo(changedBytes);
            assertThat(SqliteFiles.snapshot(db)).isEqualTo(changed);
            assertThat(ownFiles()).as("nothing kept or left beside").isEmpty();
            assertThat(backups.keptAside()).isEmpty();

            // a later restore drops what the one before kept, and keeps its own
            backups.restore(RestoreOptions.of(backup.id()));
            SqliteFiles.exec(db, "DELETE FROM part");
            backups.restore(RestoreOptions.of(backup.id()));
            assertThat(SqliteFiles.snapshot(db)).isEqualTo(backedUp);
            assertThat(ownFiles()).hasSize(1);
        }
    }

    @Test
    void aRestoreFailingAtItsGateKeepsNothingAndChangesNothing() {
        KeepAsideSource source = keepAside(() -> {
            throw new IllegalStateException("injected: the media part of the restore failed");
        });

        assertThatThrownBy(() -> dumper.restore(source)).hasMessageContaining("the media part of the restore failed");

        assertUnchanged();
        assertThat(source.asideToken).as("named before the gate").isNotNull();
    }

    @Test
    void aRestoreKilledAtItsGateIsUndoneByTheNextRun() throws Exception {
        String token = killAtGate("gate", db.toString(), dump.toString(), "20261207T230000_ab12");
        assertThat(SqliteFiles.snapshot(db)).isEqualTo(before);
        assertThat(ownFiles()).as("the new file the child left").hasSize(1);

        assertThat(dumper.recoverRestore(token, true)).as("holds the backup").isFalse();

        assertUnchanged();
    }

    @Test
    void aRestoreKilledBetweenKeepingTheOldFileAndItsRenameIsUndone() throws Exception {
        String token = killAtGate("gate", db.toString(), dump.toString(), "20261207T230000_ab12");
        Files.createLink(dir.resolve(".app.db.aside-20261207T230000_ab12"), db); // the swap's first step

        assertThat(dumper.recoverRestore(token, true)).isFalse();

        assertUnchanged();
    }

    @Test
    void aRestoreKilledAfterItsRenameIsFinishedWithTheOldFileKept() throws Exception {
        String token = killAtGate("gate", db.toString(), dump.toString(), "20261207T230000_ab12");
        Path aside = dir.resolve(".app.db.aside-20261207T230000_ab12");
        Path staged = ownFiles().get(0);
        Files.createLink(aside, db); // the swap's two steps, the process killed right after them
        Files.move(staged, db, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        assertThat(dumper.recoverRestore(token, true)).isTrue();
        assertThat(dumper.recoverRestore(token, false))
                .as("whatever the journal says")
                .isTrue();

        assertThat(SqliteFiles.snapshot(db)).isEqualTo(backupState);
        assertThat(Files.readAllBytes(aside)).isEqualTo(beforeBytes);
        dumper.rollbackAside(aside.toString(), keepAside(() -> {}));
        assertThat(Files.readAllBytes(db)).isEqualTo(beforeBytes);
        assertThat(ownFiles()).isEmpty();
    }

    @Test
    void aRollbackKilledAtItsGateIsLeftBeforeTheGateAndFinishedPastIt() throws Exception {
        KeepAsideSource restore = keepAside(() -> {});
        dumper.restore(restore);
        assertThat(SqliteFiles.snapshot(db)).isEqualTo(backupState);
        String aside = restore.asideToken;
        String token = killAtGate("rollback-gate", db.toString(), aside, dump.toString());
        assertThat(token).startsWith("rollback:");

        assertThat(dumper.recoverRestore(token, false)).as("not rolled back").isFalse();
        assertThat(SqliteFiles.snapshot(db)).isEqualTo(backupState);
        assertThat(Path.of(aside)).exists();

        assertThat(dumper.recoverRestore(token, true)).as("rolled back").isTrue();
        assertThat(Files.readAllBytes(db)).isEqualTo(beforeBytes);
        assertThat(ownFiles()).isEmpty();
        assertThat(dumper.recoverRestore(token, true)).as("asked again").isTrue();
    }

    @Test
    void aRollbackToAFileThatIsGoneOrNotThisDatabasesChangesNothing() throws Exception {
        KeepAsideSource restore = keepAside(() -> {});
        dumper.restore(restore);
        Path other = Files.createDirectories(dir.resolve("other")).resolve(".app.db.aside-x");
        Files.copy(Path.of(restore.asideToken), other);
        assertThatThrownBy(() -> dumper.rollbackAside(other.toString(), keepAside(() -> {})))
                .hasMessageContaining("another database")
                .hasMessageContaining("Nothing was changed");
        dumper.dropAside(restore.asideToken);
        assertThat(ownFiles()).isEmpty();
        assertThatThrownBy(() -> dumper.rollbackAside(restore.asideToken, keepAside(() -> {})))
                .hasMessageContaining("is gone")
                .hasMessageContaining("Nothing was changed");
        assertThat(SqliteFiles.snapshot(db)).isEqualTo(backupState);
        dumper.dropAside(db.toString()); // not a file kept aside: left alone
        assertThat(db).exists();
    }

    @Test
    void anEngineRestoreKilledBeforeItsDatabaseSwapIsUndoneAndAfterItFinished() throws Exception {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "from the backup");
        String id;
        try (BackupManager backups = builder(dir, db).build()) {
            id = backups.create().backup().id().value();
        }
        String backedUp = SqliteFiles.snapshot(db);
        SqliteFiles.exec(db, "DELETE FROM part");
        Files.writeString(media.resolve("a.txt"), "changed after the backup");
        String changed = SqliteFiles.snapshot(db);

        // SIGKILL between the media swap and the database swap: both go back
        killEngineRestore(id, "MEDIA_RESTORE:END");
        try (BackupManager backups = builder(dir, db).build()) { // recovers at its start
            assertThat(SqliteFiles.snapshot(db)).isEqualTo(changed);
            assertThat(Files.readString(media.resolve("a.txt"))).isEqualTo("changed after the backup");
            assertThat(ownFiles()).as("the new file removed").isEmpty();
            assertThat(backups.keptAside()).isEmpty();
        }

        // SIGKILL after the database swap, before the journal says so: finished, the old file kept
        killEngineRestore(id, "DATABASE_RESTORE:END");
        try (BackupManager backups = builder(dir, db).build()) {
            assertThat(SqliteFiles.snapshot(db)).isEqualTo(backedUp);
            assertThat(Files.readString(media.resolve("a.txt"))).isEqualTo("from the backup");
            assertThat(backups.keptAside())
                    .hasValueSatisfying(k -> assertThat(k.database()).isTrue());
            assertThat(ownFiles()).singleElement().asString().contains(".app.db.aside-");

            // a state kept by a killed restore has no mark of what it left: only a forced rollback
            assertThatThrownBy(() -> backups.rollback(RollbackOptions.defaults()))
                    .isInstanceOf(RollbackWouldLoseDataException.class);
            backups.rollback(RollbackOptions.defaults().forcing());
            assertThat(SqliteFiles.snapshot(db)).isEqualTo(changed);
            assertThat(Files.readString(media.resolve("a.txt"))).isEqualTo("changed after the backup");
            assertThat(ownFiles()).isEmpty();
        }
    }

    private void killEngineRestore(String id, String pauseAt) throws Exception {
        try (ChildJvm child = ChildJvm.start(SqliteChild.class, "engine", dir.toString(), db.toString(), id, pauseAt)) {
            assertThat(child.awaitLine("PAUSED", Duration.ofSeconds(120)))
                    .as(child.output())
                    .isTrue();
            child.kill();
        }
        Thread.sleep(2500); // the killed child's storage lease expires (TTL 2 s)
    }

    /** Runs a child that stops at its commit gate, kills it there, and returns its recovery token. */
    private String killAtGate(String... args) throws Exception {
        try (ChildJvm child = ChildJvm.start(SqliteChild.class, args)) {
            assertThat(child.awaitLine("GATE", Duration.ofSeconds(60)))
                    .as(child.output())
                    .isTrue();
            child.kill();
            return child.firstLine("TOKEN ").orElseThrow().substring("TOKEN ".length());
        }
    }

    private KeepAsideSource keepAside(Runnable gate) {
        return new KeepAsideSource(DumpFiles.source(dump, DumpFiles.infoOf(dumper)), "20261207T230000_ab12", gate);
    }

    private void assertUnchanged() {
        try {
            assertThat(SqliteFiles.snapshot(db)).isEqualTo(before);
            assertThat(ownFiles()).as("no new file, nothing kept aside").isEmpty();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The dumper's files beside the database: new files being built, files kept aside. */
    private List<Path> ownFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".app.db."))
                    .sorted()
                    .toList();
        }
    }
}
