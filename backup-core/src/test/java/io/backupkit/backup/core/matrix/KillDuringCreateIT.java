package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
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
 * T1: a JVM killed with {@code kill -9} at random points of {@code create()} (during the dump, the
 * media archive, the uploads, before and while the manifest is written) never leaves a backup that
 * is listed but incomplete, and the next {@code prune} removes every leftover.
 *
 * <p>A child JVM ({@link KillChildMain}) creates backups in a loop on a real H2 database and a media
 * folder of a few MiB in a filesystem storage (with fsync); the test kills it with SIGKILL ({@link
 * Process#destroyForcibly()}) after seeded delays spread over one to one and a half create
 * durations. After each kill: every listed backup verifies deep OK and has all its objects; a prune
 * with a zero grace removes everything else (the killed process's lease is waited out: its TTL is 2
 * s), so that the folder holds exactly the listed backups' manifests and artifacts. Two more kills
 * are deterministic: the child waits at a pause point (after the media artifact was committed; after
 * both were committed, just before the manifest) and is killed there. The kills and the checks after
 * each are the TCK's {@link KillDuringCreate}, which S3 and Dropbox run too.
 */
class KillDuringCreateIT {
    private static final long SEED = 20261127L;
    private static final int KILLS = 8;
    private static final Duration LEASE_TTL = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    @Test
    void aKilledCreateIsNeverListedAndTheNextPruneRemovesItsLeftovers() throws Exception {
        long t0 = System.nanoTime();
        MatrixFixture f = MatrixFixture.forKills(tmp);
        KillDuringCreate kills = f.kills(KillChildMain.class, LEASE_TTL, f::backupFolder);

        try (BackupManager backups = f.builder().leaseTtl(LEASE_TTL).build()) {
            BackupInfo baseline = backups.create().backup();
            String baselineId = baseline.id().value();

            // calibration: how long one create takes in a fresh child JVM
            long createMillis = Math.max(200, kills.calibrate().millis());

            List<String> report = new ArrayList<>();
            Set<String> steps = new TreeSet<>();
            // deterministic kills at two steps: one artifact committed; both committed, no manifest yet
            for (String pause : List.of("MEDIA_ARCHIVE:END", "MANIFEST:START")) {
                Outcome k = kills.check(backups, kills.kill(KillPoint.line("PAUSED"), pause), baselineId);
                assertThat(k.leftovers().size())
                        .as("kill at %s leaves committed artifacts that prune removes", pause)
                        .isPositive();
                report.add(k.toString());
            }
            // seeded random kills spread over 0.05 .. 1.5 create durations: every step of the first
            // create, and some in a second one, after a complete backup
            Random random = new Random(SEED);
            int leftovers = 0;
            for (int i = 0; i < KILLS; i++) {
                long delay = (long) (createMillis * (0.05 + 1.45 * (i + random.nextDouble()) / KILLS));
                Outcome k = kills.check(backups, kills.kill(KillPoint.after(Duration.ofMillis(delay))), baselineId);
                steps.add(k.step());
                leftovers += k.leftovers().size();
                report.add("after " + delay + " ms: " + k);
            }
            report.forEach(System.out::println);
            assertThat(steps)
                    .as("random kills land in different steps: %s", report)
                    .hasSizeGreaterThanOrEqualTo(2);
            assertThat(leftovers)
                    .as("random kills left leftovers that prune removed: %s", report)
                    .isPositive();
            // and the storage is still usable
            assertThat(backups.create().backup().artifacts()).hasSize(2);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(150));
    }
}
