package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.tck.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T28, restore side, on H2: a restore in a child JVM stopped with SIGTERM (its shutdown hook
 * interrupts the restore and waits, as the command line does) or SIGKILL during the media
 * verification, the database phase, and between the two commits leaves the database and the media
 * folder together as they were or together as the backup, once the next manager has started (it
 * finishes or undoes what the journal says); and a new restore runs at once and is exact.
 */
class KillDuringRestoreIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Short, so that the storage lease of a killed child expires soon (taking it over is not tested here). */
    static final Duration LEASE_TTL = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    private MatrixFixture f;
    private String id;
    private MatrixFixture.State backupState;

    @Test
    void aStoppedRestoreLeavesBothPartsOldOrBothNew() throws Exception {
        f = new MatrixFixture(tmp);
        f.createDatabase(3000);
        f.createMedia(12, 64 * 1024, 5);
        try (BackupManager backups = f.builder().build()) {
            id = backups.create().backup().id().value();
        }
        backupState = f.state();

        // SIGTERM: cancelled, both parts as they were
        assertThat(stop("DOWNLOAD_VERIFY:START", false, null)).isEqualTo(Outcome.OLD);
        assertThat(stop("DATABASE_RESTORE:START", false, null)).isEqualTo(Outcome.OLD);
        assertThat(stop("MEDIA_RESTORE:END", false, null)).isEqualTo(Outcome.OLD);
        // SIGKILL: the next manager finishes or undoes the restore from its journal
        assertThat(stop("DOWNLOAD_VERIFY:START", true, null)).isEqualTo(Outcome.OLD);
        assertThat(stop("MEDIA_RESTORE:END", true, null))
                .as("between the commits: H2 had loaded the backup whole, so the swap is finished")
                .isEqualTo(Outcome.BACKUP);
        Path journal = tmp.resolve(".media.restore-journal");
        stop("", true, () -> journalHasToken(journal)); // the database is being replaced: old or new
    }

    private static boolean journalHasToken(Path journal) {
        try {
            return Files.readString(journal).contains("token=");
        } catch (Exception e) {
            return false;
        }
    }

    private void restoreWhenLeaseFree(BackupManager backups) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                backups.restore(RestoreOptions.of(id).withSafetyBackup(false));
                return;
            } catch (BackupInProgressException e) {
                assertThat(e.getMessage()).contains("backup.lease");
                assertThat(System.nanoTime() < end).as(e.getMessage()).isTrue();
                Thread.sleep(100);
            }
        }
    }

    enum Outcome {
        OLD,
        BACKUP
    }

    /** Changes the state, runs a restore in a child, stops it, and checks the outcome. */
    private Outcome stop(String pauseAt, boolean kill, BooleanSupplier killWhen) throws Exception {
        f.changeState();
        MatrixFixture.State old = f.state();
        String what = (kill ? "SIGKILL" : "SIGTERM") + " at " + (pauseAt.isEmpty() ? "a condition" : pauseAt);
        try (ChildJvm child = ChildJvm.start(
                RestoreChildMain.class,
                f.backups.toString(),
                f.url,
                f.media.toString(),
                f.spool.toString(),
                id,
                pauseAt)) {
            if (killWhen != null) {
                long end = System.nanoTime() + WAIT.toNanos();
                while (!killWhen.getAsBoolean()) {
                    assertThat(child.isAlive() && System.nanoTime() < end)
                            .as(what + ": " + child.output())
                            .isTrue();
                    Thread.sleep(1);
                }
            } else {
                assertThat(child.awaitLine("PAUSED", WAIT)).as(child.output()).isTrue();
            }
            if (kill) {
                child.kill();
            } else {
                child.process().toHandle().destroy(); // SIGTERM (Process.destroy would close its output)
                assertThat(child.awaitExit(WAIT)).as(child.output()).isTrue();
                assertThat(child.output())
                        .as(what)
                        .contains("FAILED BackupCancelledException")
                        .contains("were both left as they were");
                assertThat(f.state())
                        .as(what + ": unchanged at once, before any recovery")
                        .isEqualTo(old);
            }
            String output = child.output();
            try (BackupManager backups = f.builder().leaseTtl(LEASE_TTL).build()) { // recovers at start
                MatrixFixture.State after = f.state();
                Outcome outcome;
                if (after.equals(old)) {
                    outcome = Outcome.OLD;
                } else {
                    assertThat(after)
                            .as(what + ": the database and the media folder are together old or together new\n"
                                    + output)
                            .isEqualTo(backupState);
                    outcome = Outcome.BACKUP;
                }
                assertThat(MatrixFixture.listNames(tmp))
                        .as(what + ": no staging, old media folder or journal left")
                        .containsOnly("backups", "db", "media", ".media.lock", "spool");
                // and a new restore runs and is exact (once a killed child's storage lease expired)
                restoreWhenLeaseFree(backups);
                assertThat(f.state()).isEqualTo(backupState);
                System.out.println(what + " -> " + outcome);
                return outcome;
            }
        }
    }

    @Test
    void aKilledRollbackLeavesBothPartsRestoredOrBothRolledBack() throws Exception {
        f = new MatrixFixture(tmp);
        f.createDatabase(3000);
        f.createMedia(12, 64 * 1024, 5);
        MatrixFixture.State old;
        try (BackupManager backups = f.builder().build()) {
            id = backups.create().backup().id().value();
            f.changeState();
            old = f.state();
            backups.restore(RestoreOptions.of(id)); // keeps the old state aside
        }
        backupState = f.state();
        assertThat(backupState).isNotEqualTo(old);

        assertThat(killRollback("DATABASE_RESTORE:START", null, old))
                .as("before the rollback changed anything")
                .isEqualTo(Outcome.BACKUP);
        Path journal = tmp.resolve(".media.restore-journal");
        Outcome midway = killRollback("", () -> journalHasToken(journal), old); // while H2 is replaced
        if (midway == Outcome.BACKUP) {
            assertThat(killRollback("DATABASE_RESTORE:END", null, old))
                    .as("the database was put back, the media folder not yet: finished")
                    .isEqualTo(Outcome.OLD);
        }
        assertThat(MatrixFixture.listNames(tmp))
                .as("nothing kept aside or left over once rolled back")
                .containsOnly("backups", "db", "media", ".media.lock", "spool");
    }

    /** SIGKILLs a forced rollback in a child; the next manager finishes or undoes it: both parts restored or both old. */
    private Outcome killRollback(String pauseAt, BooleanSupplier killWhen, MatrixFixture.State old) throws Exception {
        String what = "SIGKILL of a rollback at " + (pauseAt.isEmpty() ? "a condition" : pauseAt);
        String output;
        try (ChildJvm child = ChildJvm.start(
                RestoreChildMain.class,
                f.backups.toString(),
                f.url,
                f.media.toString(),
                f.spool.toString(),
                "ROLLBACK",
                pauseAt)) {
            if (killWhen != null) {
                long end = System.nanoTime() + WAIT.toNanos();
                while (!killWhen.getAsBoolean() && child.isAlive()) {
                    assertThat(System.nanoTime() < end)
                            .as(what + ": " + child.output())
                            .isTrue();
                    Thread.sleep(1);
                }
            } else {
                assertThat(child.awaitLine("PAUSED", WAIT)).as(child.output()).isTrue();
            }
            child.kill();
            output = child.output();
        }
        Thread.sleep(LEASE_TTL.toMillis() + 500); // the killed child's storage lease expires
        try (BackupManager backups = f.builder().leaseTtl(LEASE_TTL).build()) { // recovers at start
            MatrixFixture.State after = f.state();
            if (after.equals(old)) {
                assertThat(backups.keptAside()).as(what).isEmpty();
                System.out.println(what + " -> rolled back");
                return Outcome.OLD;
            }
            assertThat(after)
                    .as(what + ": the database and the media folder are together restored or together rolled back\n"
                            + output)
                    .isEqualTo(backupState);
            assertThat(backups.keptAside()).as(what + ": still kept aside").isPresent();
            System.out.println(what + " -> restored state, still kept aside");
            return Outcome.BACKUP;
        }
    }
}
