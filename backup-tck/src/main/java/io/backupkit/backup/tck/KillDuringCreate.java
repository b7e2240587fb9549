package io.backupkit.backup.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.Phase;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The kill-during-create check for a storage provider: a process killed with {@code kill -9} anywhere in {@code
 * create()} never leaves a backup that is listed but incomplete, and once the dead process's lease
 * has expired the next {@code prune} removes everything the killed create left behind.
 *
 * <p>Two halves. The <b>child</b>: a class with a {@code main} that configures a {@link
 * BackupManager.Builder} for the provider (a database and a media folder, a short lease TTL) and
 * hands it to {@link #runChild}, which creates backups once or in a loop and prints where it is.
 * The <b>test</b>: builds a {@code KillDuringCreate} with a {@link ChildStarter} that starts that
 * main in a {@link ChildJvm} and a view of the stored object names as another client sees them
 * ({@link StoredNames}), then per kill: {@link #kill(KillPoint)} starts a child creating backups in
 * a loop and SIGKILLs it at the kill point, and {@link #check} asserts on a {@link BackupManager} of
 * the test JVM:
 *
 * <ol>
 *   <li>(with {@link Builder#pruneRefusedWhileLeaseLive(boolean)}) a prune tried while the dead
 *       child's lease is still live is turned away with {@link BackupInProgressException} and
 *       changes nothing: it cannot tell a dead writer from a slow one;
 *   <li>nothing incomplete is listed: the given baseline backup is listed, and every listed backup
 *       has its database and media parts, all its objects stored, and verifies deep;
 *   <li>a prune with a zero grace, once the lease has expired, deletes no backup and leaves
 *       exactly the listed backups' manifests and artifacts.
 * </ol>
 *
 * <pre>{@code
 * KillDuringCreate kills = KillDuringCreate.builder((mode, pauseAt) -> ChildJvm.start(MyKillChild.class, ..., mode, pauseAt))
 *         .storedNames(() -> namesInMyBucket())
 *         .leaseTtl(Duration.ofSeconds(3))
 *         .pruneRefusedWhileLeaseLive(true)
 *         .build();
 * String baseline = kills.calibrate().id();
 * KillDuringCreate.Killed killed = kills.kill(KillPoint.when(() -> uploadInProgress()));
 * try (BackupManager fresh = manager()) {
 *     kills.check(fresh, killed, baseline);
 * }
 * }</pre>
 *
 * <p>The child's standard output protocol: {@code READY} once the manager is built, {@code PHASE
 * <phase> START|END} as {@link BackupListener} reports them, {@code CREATED <id> <millis>} after
 * each create, {@code LEASE-BUSY} when the lease was held (it tries again), and {@code PAUSED
 * <point>} when it waits at a pause point to be killed.
 */
public final class KillDuringCreate {
    /** Deletes nothing by rule: a prune with it only sweeps leftovers (zero grace). */
    public static final RetentionPolicy SWEEP_ONLY = new RetentionPolicy(0, 0, 0, 0, null, 0, Duration.ZERO);

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final String LEASE = "backup.lease";
    /** The host name the library's leases record, when set (see the lease's documentation). */
    private static final String LEASE_HOST_PROPERTY = "io.backupkit.lease.host";

    /** Starts the provider's child main with a mode ({@code once} or {@code loop}) and a pause point. */
    @FunctionalInterface
    public interface ChildStarter {
        /**
         * Starts the child; it must pass {@code mode} and {@code pauseAt} on to {@link #runChild}
         * (a child main that never pauses may ignore {@code pauseAt}).
         */
        ChildJvm start(String mode, String pauseAt) throws IOException;
    }

    /** The names of the objects in the backup location, relative to it, as another client sees them. */
    @FunctionalInterface
    public interface StoredNames {
        Set<String> get() throws Exception;
    }

    /** A provider-specific check run at a given point of {@link #check}. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;

        /** Checks nothing. */
        static Check none() {
            return () -> {};
        }
    }

    /** When to kill a child that is creating backups (it has printed {@code READY}). */
    @FunctionalInterface
    public interface KillPoint {
        /** Waits for the point; false if the child will not reach it (the kill then fails the test). */
        boolean await(ChildJvm child) throws InterruptedException;

        /** As soon as {@code condition} holds (polled every 5 ms, for 60 s at most, while the child runs). */
        static KillPoint when(BooleanSupplier condition) {
            return when(condition, Duration.ofMillis(5));
        }

        /** As soon as {@code condition} holds, polled every {@code poll} (60 s at most, while the child runs). */
        static KillPoint when(BooleanSupplier condition, Duration poll) {
            return child -> {
                long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
                while (!condition.getAsBoolean()) {
                    if (!child.isAlive() || System.nanoTime() - deadline > 0) {
                        return false;
                    }
                    Thread.sleep(poll.toMillis(), (int) (poll.toNanos() % 1_000_000));
                }
                return true;
            };
        }

        /** {@code delay} after the child printed {@code READY}. */
        static KillPoint after(Duration delay) {
            return child -> {
                Thread.sleep(delay.toMillis());
                return true;
            };
        }

        /** When the child printed a line starting with {@code prefix} (e.g. {@code PAUSED}). */
        static KillPoint line(String prefix) {
            return child -> child.awaitLine(prefix, CHILD_TIMEOUT);
        }
    }

    /** A create a child finished: the backup's id and how long the create took. */
    public record Created(String id, long millis) {}

    /**
     * A killed child: where its create was ({@link #step(ChildJvm)}), when it was killed ({@link
     * System#nanoTime()}), and the stored names right after the kill (and the settle time).
     */
    public record Killed(String step, long killedAtNanos, Set<String> beforePrune) {
        public Killed {
            beforePrune = Set.copyOf(beforePrune);
        }

        /** Whether the killed child's lease was still stored. */
        public boolean leaseHeld() {
            return beforePrune.contains(LEASE);
        }
    }

    /** What one kill left and what prune did about it. */
    public record Outcome(
            String step,
            Set<String> beforePrune,
            boolean leaseHeld,
            boolean pruneRefusedWhileLeaseLive,
            int listed,
            List<String> leftovers) {
        public Outcome {
            beforePrune = Set.copyOf(beforePrune);
            leftovers = List.copyOf(leftovers);
        }

        @Override
        public String toString() {
            return step + ": " + listed + " backup(s) listed, lease held by the dead child: " + leaseHeld
                    + (pruneRefusedWhileLeaseLive ? " (an early prune was turned away, nothing touched)" : "")
                    + ", prune after the TTL removed " + leftovers;
        }
    }

    /** Configures a {@link KillDuringCreate}. */
    public static final class Builder {
        private final ChildStarter starter;
        private StoredNames storedNames;
        private Duration leaseTtl;
        private Duration settle = Duration.ZERO;
        private boolean pruneRefusedWhileLeaseLive;

        private Builder(ChildStarter starter) {
            this.starter = Objects.requireNonNull(starter, "starter");
        }

        /** The stored object names, as another client sees them (required). */
        public Builder storedNames(StoredNames storedNames) {
            this.storedNames = storedNames;
            return this;
        }

        /** The lease TTL the child and the test's managers use (required). */
        public Builder leaseTtl(Duration leaseTtl) {
            this.leaseTtl = leaseTtl;
            return this;
        }

        /**
         * How long to wait after the kill before looking (default none): a request the child sent
         * whole before it died (e.g. completing an upload) may still be carried out by a server.
         */
        public Builder settle(Duration settle) {
            this.settle = settle;
            return this;
        }

        /**
         * Whether {@link #check} also asserts that a prune tried right after the kill, while the
         * dead child's lease is live (within a third of the TTL, as a lease is renewed every TTL/3),
         * is turned away and changes nothing (default off).
         */
        public Builder pruneRefusedWhileLeaseLive(boolean on) {
            this.pruneRefusedWhileLeaseLive = on;
            return this;
        }

        public KillDuringCreate build() {
            return new KillDuringCreate(this);
        }
    }

    private final ChildStarter starter;
    private final StoredNames storedNames;
    private final Duration leaseTtl;
    private final Duration settle;
    private final boolean pruneRefusedWhileLeaseLive;
    private final Set<String> verified = new HashSet<>();

    private KillDuringCreate(Builder b) {
        this.starter = b.starter;
        this.storedNames = Objects.requireNonNull(b.storedNames, "storedNames");
        this.leaseTtl = Objects.requireNonNull(b.leaseTtl, "leaseTtl");
        this.settle = b.settle;
        this.pruneRefusedWhileLeaseLive = b.pruneRefusedWhileLeaseLive;
    }

    /**
     * {@code count} kill delays in millis, seeded, spread over 0.1 to 1.4 create durations of {@code
     * createMillis}: kills that land in different steps of a create, the same ones on every run.
     */
    public static List<Long> spreadDelays(long createMillis, long seed, int count) {
        Random random = new Random(seed);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            delays.add((long) (createMillis * (0.1 + 1.3 * (i + random.nextDouble()) / count)));
        }
        return delays;
    }

    /** Starts building a check whose children {@code starter} starts. */
    public static Builder builder(ChildStarter starter) {
        return new Builder(starter);
    }

    /**
     * Runs one create in a fresh child JVM (mode {@code once}) and returns it: how long a create
     * takes, to spread kills over it, and a complete backup that every later kill must leave listed.
     */
    public Created calibrate() throws Exception {
        try (ChildJvm child = starter.start("once", "")) {
            assertThat(child.awaitExit(CHILD_TIMEOUT))
                    .as("the calibration create ends: %s", child.output())
                    .isTrue();
            String created = child.firstLine("CREATED ")
                    .orElseThrow(() -> new AssertionError("the child did not create a backup:\n" + child.output()));
            String[] parts = created.split(" ");
            return new Created(parts[1], Long.parseLong(parts[2]));
        }
    }

    /** {@link #kill(KillPoint, String)} without a pause point. */
    public Killed kill(KillPoint point) throws Exception {
        return kill(point, "");
    }

    /**
     * Starts a child that creates backups in a loop (pausing at {@code pauseAt}, {@code
     * <PHASE>:START} or {@code <PHASE>:END}, if not empty), waits for {@code READY} and then for
     * {@code point}, and kills it with SIGKILL; then waits the settle time and reads the stored
     * names.
     */
    public Killed kill(KillPoint point, String pauseAt) throws Exception {
        try (ChildJvm child = starter.start("loop", pauseAt)) {
            assertThat(child.awaitLine("READY", CHILD_TIMEOUT))
                    .as(child.output())
                    .isTrue();
            assertThat(point.await(child))
                    .as("kill point reached in time, child alive: %s", child.output())
                    .isTrue();
            String step = step(child);
            child.kill(); // SIGKILL
            long killedAt = System.nanoTime();
            if (!settle.isZero()) {
                Thread.sleep(settle.toMillis());
            }
            return new Killed(step, killedAt, storedNames.get());
        }
    }

    /** {@link #check(BackupManager, Killed, String, Check, Check)} with no provider checks. */
    public Outcome check(BackupManager manager, Killed killed, String baselineId) throws Exception {
        return check(manager, killed, baselineId, Check.none(), Check.none());
    }

    /**
     * Asserts what a killed create must leave (see the class comment) with {@code manager}, a
     * manager of the test JVM on the same storage and lease TTL. {@code afterRefusedPrune} runs
     * after an early prune was turned away (e.g. no upload aborted), {@code afterPrune} after the
     * prune that removed the leftovers (e.g. no upload left).
     */
    public Outcome check(
            BackupManager manager, Killed killed, String baselineId, Check afterRefusedPrune, Check afterPrune)
            throws Exception {
        String step = killed.step();
        Set<String> beforePrune = killed.beforePrune();
        boolean refusedEarly = false;
        if (pruneRefusedWhileLeaseLive
                && killed.leaseHeld()
                && System.nanoTime() - killed.killedAtNanos() < leaseTtl.toNanos() / 3) {
            assertThat(catchThrowable(() -> manager.prune(SWEEP_ONLY, PruneMode.APPLY)))
                    .as("a prune while the dead child's lease is live")
                    .isInstanceOf(BackupInProgressException.class);
            afterRefusedPrune.run();
            assertThat(storedNames.get()).as("after a refused prune").isEqualTo(beforePrune);
            refusedEarly = true;
        }

        // nothing incomplete is listed: every listed backup has both parts, all objects, and verifies deep
        List<BackupInfo> listed = manager.list();
        assertThat(listed).extracting(b -> b.id().value()).contains(baselineId);
        for (BackupInfo b : listed) {
            assertThat(b.artifacts()).as("parts of listed backup %s", b.id()).hasSize(2);
            assertThat(b.database()).as("database part of %s", b.id()).isNotNull();
            assertThat(b.media()).as("media part of %s", b.id()).isNotNull();
            assertThat(beforePrune).containsAll(objectsOf(b));
            if (verified.add(b.id().value())) {
                VerifyResult v = manager.verify(b.id().value(), VerifyMode.DEEP);
                assertThat(v.problems())
                        .as("listed backup %s after a kill %s", b.id(), step)
                        .isEmpty();
            }
        }

        // the next prune, once the dead child's lease expired, removes every leftover
        PruneResult pruned = pruneWhenLeaseIsFree(manager);
        assertThat(pruned.deleted()).isEmpty();
        afterPrune.run();
        Set<String> expected = new TreeSet<>();
        manager.list().forEach(b -> expected.addAll(objectsOf(b)));
        Set<String> after = new TreeSet<>(storedNames.get());
        after.remove(LEASE); // prune released it; tolerated should a release race
        assertThat(after)
                .as("after a kill %s; before prune: %s; prune: %s", step, beforePrune, pruned.leftovers())
                .isEqualTo(expected);
        return new Outcome(step, beforePrune, killed.leaseHeld(), refusedEarly, listed.size(), pruned.leftovers());
    }

    /** Prune with a zero grace, waiting (a few TTLs at most) for a killed process's lease to expire. */
    public PruneResult pruneWhenLeaseIsFree(BackupManager manager) throws InterruptedException {
        long end = System.currentTimeMillis() + 4 * leaseTtl.toMillis() + 2000;
        while (true) {
            try {
                return manager.prune(SWEEP_ONLY, PruneMode.APPLY);
            } catch (BackupInProgressException e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The stored names of a backup: its manifest and its artifacts. */
    public static Set<String> objectsOf(BackupInfo info) {
        Set<String> names = new TreeSet<>();
        names.add(info.id().value() + ".manifest.json");
        info.artifacts().forEach(a -> names.add(a.name()));
        return names;
    }

    /**
     * Where the child's create was, from what it printed: the phases started and not yet finished
     * since the last completed create, or the step before the first phase (lease, server check).
     */
    public static String step(ChildJvm child) {
        Set<String> open = new TreeSet<>();
        Set<String> done = new TreeSet<>();
        for (String l : child.lines()) {
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

    /**
     * The child's side: builds {@code builder} with a listener that reports the phases (and pauses
     * at {@code pauseAt}: {@code <PHASE>:START} or {@code <PHASE>:END}, or empty for none; the child
     * prints {@code PAUSED <point>} and waits there two minutes to be killed), prints {@code READY},
     * and creates one backup ({@code mode} {@code once}) or backups until it is killed ({@code
     * loop}). Call it from the child's {@code main}; it replaces a listener set on {@code builder}.
     */
    public static void runChild(BackupManager.Builder builder, String mode, String pauseAt) throws Exception {
        // the child plays a writer on another host: its lease, once it is killed, must wait for the
        // TTL (a lease of a dead process on the same host is taken over at once)
        System.setProperty(
                LEASE_HOST_PROPERTY, "kill-child-" + ProcessHandle.current().pid());
        boolean loop = "loop".equals(mode);
        BackupListener listener = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                say("PHASE " + phase + " START");
                pauseIf(pauseAt, phase + ":START");
            }

            @Override
            public void phaseFinished(Phase phase) {
                say("PHASE " + phase + " END");
                pauseIf(pauseAt, phase + ":END");
            }
        };
        try (BackupManager manager = builder.listener(listener).build()) {
            say("READY");
            do {
                long t0 = System.nanoTime();
                try {
                    CreateResult r = manager.create();
                    say("CREATED " + r.id() + " " + (System.nanoTime() - t0) / 1_000_000);
                } catch (BackupInProgressException e) {
                    say("LEASE-BUSY");
                    Thread.sleep(100);
                }
            } while (loop);
        }
    }

    private static void pauseIf(String pauseAt, String point) {
        if (pauseAt.equals(point)) {
            say("PAUSED " + point);
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
