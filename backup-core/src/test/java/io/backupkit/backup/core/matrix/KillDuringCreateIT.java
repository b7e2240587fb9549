package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.VerifyResult;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
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
 * both were committed, just before the manifest) and is killed there.
 */
class KillDuringCreateIT {
    private static final long SEED = 20261127L;
    private static final int KILLS = 8;
    private static final Duration LEASE_TTL = Duration.ofSeconds(2);
    private static final RetentionPolicy SWEEP_ONLY = new RetentionPolicy(0, 0, 0, 0, null, 0, Duration.ZERO);

    @TempDir
    Path tmp;

    /** A running child JVM and what it printed (with the time each line arrived). */
    private static final class Child {
        final Process process;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final Thread reader;

        Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("READ-FAILED " + e);
            }
        }

        boolean awaitLine(String prefix, long timeoutMillis) throws InterruptedException {
            long end = System.currentTimeMillis() + timeoutMillis;
            while (System.currentTimeMillis() < end) {
                synchronized (lines) {
                    if (lines.stream().anyMatch(l -> l.startsWith(prefix))) {
                        return true;
                    }
                }
                if (!process.isAlive() && !reader.isAlive()) {
                    return false;
                }
                Thread.sleep(5);
            }
            return false;
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        /**
         * Where the child's create was: the phases started and not yet finished since the last
         * completed create, or the step before the first phase (lease, server check).
         */
        String lastStep() {
            synchronized (lines) {
                Set<String> open = new TreeSet<>();
                Set<String> done = new TreeSet<>();
                for (String l : lines) {
                    if (l.startsWith("CREATED") || l.equals("READY")) {
                        open.clear();
                        done.clear();
                    } else if (l.startsWith("PHASE ") && l.endsWith(" START")) {
                        open.add(l.split(" ")[1]);
                    } else if (l.startsWith("PHASE ") && l.endsWith(" END")) {
                        open.remove(l.split(" ")[1]);
                        done.add(l.split(" ")[1]);
                    }
                }
                if (open.isEmpty() && done.isEmpty()) {
                    return "before the parts (lease, server check)";
                }
                if (open.isEmpty()) {
                    return "after " + done + ", before the manifest";
                }
                return "in " + open + (done.isEmpty() ? "" : " after " + done);
            }
        }
    }

    private Child start(MatrixFixture f, String mode, String pauseAt) throws IOException {
        List<String> cmd = List.of(
                MatrixFixture.java(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                MatrixFixture.classPath(),
                KillChildMain.class.getName(),
                f.backups.toString(),
                f.url,
                f.media.toString(),
                f.spool.toString(),
                String.valueOf(LEASE_TTL.toMillis()),
                mode,
                pauseAt);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new Child(p);
    }

    @Test
    void aKilledCreateIsNeverListedAndTheNextPruneRemovesItsLeftovers() throws Exception {
        long t0 = System.nanoTime();
        MatrixFixture f = new MatrixFixture(tmp);
        f.createDatabase(4000);
        f.createMedia(24, 128 * 1024, 3);

        try (BackupManager backups = f.builder().leaseTtl(LEASE_TTL).build()) {
            BackupInfo baseline = backups.create().backup();

            // calibration: how long one create takes in a fresh child JVM
            Child calibration = start(f, "once", "");
            assertThat(calibration.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            calibration.reader.join(5000);
            String created = calibration.lines.stream()
                    .filter(l -> l.startsWith("CREATED "))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("the child did not create a backup:\n" + calibration.output()));
            long createMillis = Math.max(200, Long.parseLong(created.split(" ")[2]));

            List<String> report = new ArrayList<>();
            Set<String> steps = new TreeSet<>();
            // deterministic kills at two steps: one artifact committed; both committed, no manifest yet
            for (String pause : List.of("MEDIA_ARCHIVE:END", "MANIFEST:START")) {
                Kill k = killAndCheck(f, backups, baseline, child -> child.awaitLine("PAUSED", 60_000), pause);
                assertThat(k.leftovers())
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
                Kill k = killAndCheck(
                        f,
                        backups,
                        baseline,
                        child -> {
                            Thread.sleep(delay);
                            return true;
                        },
                        "");
                steps.add(k.step());
                leftovers += k.leftovers();
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

    /** One kill and its outcome. */
    private record Kill(String step, int leftovers, int listed) {}

    @FunctionalInterface
    private interface KillPoint {
        boolean await(Child child) throws InterruptedException;
    }

    private final Set<String> verified = new HashSet<>();

    /**
     * Starts a child that creates backups in a loop, kills it with SIGKILL at {@code point}, then
     * checks what a killed create must leave: only complete backups listed, and nothing else once
     * prune ran.
     */
    private Kill killAndCheck(
            MatrixFixture f, BackupManager backups, BackupInfo baseline, KillPoint point, String pause)
            throws Exception {
        Child child = start(f, "loop", pause);
        assertThat(child.awaitLine("READY", 60_000)).as(child.output()).isTrue();
        assertThat(point.await(child)).as(child.output()).isTrue();
        String step = child.lastStep();
        child.process.destroyForcibly(); // SIGKILL
        assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        child.reader.join(5000);
        Set<String> beforePrune = f.backupFolder();

        // nothing incomplete is listed: every listed backup has all its objects and verifies deep
        List<BackupInfo> listed = backups.list();
        assertThat(listed)
                .extracting(b -> b.id().value())
                .contains(baseline.id().value());
        for (BackupInfo b : listed) {
            // complete = both parts this configuration backs up, every object present and sound
            assertThat(b.artifacts()).as("parts of listed backup %s", b.id()).hasSize(2);
            assertThat(b.database()).as("database part of %s", b.id()).isNotNull();
            assertThat(b.media()).as("media part of %s", b.id()).isNotNull();
            assertThat(beforePrune).containsAll(MatrixFixture.objectsOf(b));
            if (verified.add(b.id().value())) {
                VerifyResult v = backups.verify(b.id().value(), true);
                assertThat(v.problems())
                        .as("listed backup %s after a kill %s", b.id(), step)
                        .isEmpty();
            }
        }

        // the next prune removes every leftover (once the dead process's lease has expired)
        PruneResult pruned = pruneWhenLeaseIsFree(backups);
        assertThat(pruned.deleted()).isEmpty();
        Set<String> expected = new TreeSet<>();
        backups.list().forEach(b -> expected.addAll(MatrixFixture.objectsOf(b)));
        Set<String> after = f.backupFolder();
        after.remove("backup.lease"); // prune released it; tolerated should a release race
        assertThat(after)
                .as("after a kill %s; before prune: %s; prune: %s", step, beforePrune, pruned.leftovers())
                .isEqualTo(expected);
        return new Kill(step, pruned.leftovers().size(), listed.size());
    }

    /** Prune with a zero grace, waiting (a few TTLs at most) for a killed process's lease to expire. */
    private static PruneResult pruneWhenLeaseIsFree(BackupManager backups) throws InterruptedException {
        long end = System.currentTimeMillis() + 4 * LEASE_TTL.toMillis() + 2000;
        while (true) {
            try {
                return backups.prune(SWEEP_ONLY, false);
            } catch (BackupInProgressException e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
