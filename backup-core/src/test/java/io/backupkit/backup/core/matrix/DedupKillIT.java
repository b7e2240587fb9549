package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.tck.ChildJvm;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.KillDuringCreate.KillPoint;
import io.backupkit.backup.tck.KillDuringCreate.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill matrix for the dedup format: a JVM killed with {@code kill -9} during a create leaves
 * nothing listed that does not verify deep, and the next prune removes its backup objects and its
 * packs; a JVM killed during a prune that repacks leaves the kept backup restorable exactly, and the
 * next prune finishes the job.
 */
class DedupKillIT {
    private static final long SEED = 20261207L;
    private static final Duration LEASE_TTL = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    /** The backup objects (the TCK's check compares these); chunks are checked apart. */
    private static Set<String> backupObjects(MatrixFixture f) throws Exception {
        Set<String> names = new TreeSet<>(f.backupFolder());
        names.removeIf(n -> n.startsWith("dedup-") || n.startsWith(".dedup-"));
        return names;
    }

    private static Set<String> chunkObjects(MatrixFixture f) throws Exception {
        Set<String> names = new TreeSet<>(f.backupFolder());
        names.removeIf(n -> !n.startsWith("dedup-pack-") && !n.startsWith("dedup-index-"));
        return names;
    }

    @Test
    void aKilledCreateIsNeverListedAndThePruneRemovesItsChunks() throws Exception {
        MatrixFixture f = MatrixFixture.forKills(tmp);
        KillDuringCreate kills = f.kills(DedupChildMain.class, LEASE_TTL, () -> backupObjects(f));
        try (BackupManager backups =
                f.builder().format(BackupFormat.DEDUP).leaseTtl(LEASE_TTL).build()) {
            BackupInfo baseline = backups.create().backup();
            Set<String> baselineChunks = chunkObjects(f);
            long createMillis = Math.max(200, kills.calibrate().millis());
            List<String> report = new ArrayList<>();
            Random random = new Random(SEED);
            int round = 0;
            for (String pause : List.of("MEDIA_ARCHIVE:END", "MANIFEST:START", "", "", "", "")) {
                f.write("changing-" + round++ + ".bin", randomBytes(random, 300_000)); // new chunks each round
                KillDuringCreate.Killed killed = pause.isEmpty()
                        ? kills.kill(KillPoint.after(
                                Duration.ofMillis((long) (createMillis * (0.3 + 1.2 * random.nextDouble())))))
                        : kills.kill(KillPoint.line("PAUSED"), pause);
                Outcome k = kills.check(backups, killed, baseline.id().value());
                // after the prune every pack left holds a chunk a listed backup uses: nothing more to collect
                PruneResult again = backups.prune(KillDuringCreate.SWEEP_ONLY, PruneMode.DRY_RUN);
                assertThat(again.leftovers())
                        .as("after %s, a second prune finds nothing", k)
                        .noneMatch(n -> n.startsWith("dedup-"));
                report.add(k + "; chunk objects " + chunkObjects(f).size());
            }
            report.forEach(System.out::println);
            for (BackupInfo b : backups.list()) {
                assertThat(backups.verify(b.id().value(), VerifyMode.DEEP).problems())
                        .isEmpty();
            }
            assertThat(chunkObjects(f)).containsAll(packsOnly(baselineChunks));
            // the storage is still usable: the next backup restores exactly
            BackupInfo last = backups.create().backup();
            MatrixFixture.State now = f.state();
            f.changeState();
            backups.restore(RestoreOptions.of(last.id().value()).withSafetyBackup(false));
            assertThat(f.state()).isEqualTo(now);
        }
    }

    @Test
    void aKilledPruneLeavesTheKeptBackupRestorable() throws Exception {
        MatrixFixture f = new MatrixFixture(tmp);
        f.createDatabase(2000);
        f.createMedia(8, 64 * 1024, 3);
        Random random = new Random(SEED + 1);
        try (BackupManager backups =
                f.builder().format(BackupFormat.DEDUP).leaseTtl(LEASE_TTL).build()) {
            List<String> report = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                // a backup whose chunks become garbage: most of the media replaced afterwards
                for (int i = 0; i < 6; i++) {
                    f.write("big-" + i + ".bin", randomBytes(random, 1_500_000));
                }
                BackupInfo old = backups.create().backup();
                for (int i = 0; i < 5; i++) {
                    f.write("big-" + i + ".bin", randomBytes(random, 1_500_000));
                }
                BackupInfo kept = backups.create().backup();
                MatrixFixture.State keptState = f.state();
                backups.delete(old.id().value());

                long delayMillis;
                try (ChildJvm prune = f.child(DedupChildMain.class, LEASE_TTL, "prune", "")) {
                    assertThat(prune.awaitLine("PRUNING", Duration.ofSeconds(60)))
                            .as(prune.output())
                            .isTrue();
                    delayMillis = random.nextInt(round == 0 ? 1 : 300);
                    Thread.sleep(delayMillis);
                    prune.kill();
                    report.add("killed after " + delayMillis + " ms, pruned: "
                            + prune.firstLine("PRUNED").isPresent() + ", chunk objects: " + chunkObjects(f));
                }
                // the kept backup verifies and restores exactly
                f.changeState();
                assertThat(backups.verify(kept.id().value(), VerifyMode.DEEP).problems())
                        .as(report.get(report.size() - 1))
                        .isEmpty();
                restoreWhenLeaseIsFree(backups, kept);
                assertThat(f.state()).isEqualTo(keptState);
                // and the next prune completes the collection
                backups.prune(KillDuringCreate.SWEEP_ONLY, PruneMode.APPLY);
                assertThat(backups.prune(KillDuringCreate.SWEEP_ONLY, PruneMode.DRY_RUN)
                                .leftovers())
                        .noneMatch(n -> n.startsWith("dedup-"));
                assertThat(backups.verify(kept.id().value(), VerifyMode.DEEP).problems())
                        .isEmpty();
            }
            report.forEach(System.out::println);
        }
    }

    private static void restoreWhenLeaseIsFree(BackupManager backups, BackupInfo b) throws InterruptedException {
        long end = System.currentTimeMillis() + 4 * LEASE_TTL.toMillis() + 2000;
        while (true) {
            try {
                backups.restore(RestoreOptions.of(b.id().value()).withSafetyBackup(false));
                return;
            } catch (io.backupkit.backup.BackupInProgressException e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static Set<String> packsOnly(Set<String> names) {
        Set<String> out = new TreeSet<>(names);
        out.removeIf(n -> !n.startsWith("dedup-pack-"));
        return out;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
