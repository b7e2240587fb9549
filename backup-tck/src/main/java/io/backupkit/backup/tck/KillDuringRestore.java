package io.backupkit.backup.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.tck.fixtures.MediaState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The kill-during-restore check for a dumper: a restore in a child JVM ({@link RestoreChild}) is
 * stopped with SIGTERM or SIGKILL at a pause point or when a condition holds; afterwards, once a new
 * manager has started (it finishes or undoes what the restore's journal says), the database and the
 * media folder are together as they were or together as the backup, nothing is left beside the media
 * folder, and a new restore runs and is exact.
 *
 * <p>The test gives: how to start the child for a backup id and a pause point, how to open a manager
 * in the test JVM, how to read the state of the database and the media folder (compared with {@code
 * equals}), how to change both so that a restore is visible, and the backup to restore with the
 * state it holds.
 */
public final class KillDuringRestore {
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Starts the child with a backup id and a pause point ({@code <PHASE>:START|END} or empty). */
    @FunctionalInterface
    public interface ChildStarter {
        ChildJvm start(String backupId, String pauseAt) throws IOException;
    }

    /** Something a test does or reads that may throw. */
    @FunctionalInterface
    public interface Step<T> {
        T run() throws Exception;
    }

    /** Where a stopped restore left the target, once recovered. */
    public enum Outcome {
        OLD,
        BACKUP
    }

    private final ChildStarter child;
    private final Step<BackupManager> manager;
    private final Step<Object> state;
    private final Step<Object> change;
    private final Path mediaDir;
    private final String backupId;
    private final Object backupState;

    /**
     * @param child starts the child JVM
     * @param manager opens a manager in the test JVM (with the same target; a short lease TTL)
     * @param state reads the database and media state together
     * @param change changes both (returns anything)
     * @param mediaDir the media folder (nothing may be left beside it but its lock file)
     * @param backupId the backup the child restores
     * @param backupState the state that backup holds
     */
    public KillDuringRestore(
            ChildStarter child,
            Step<BackupManager> manager,
            Step<Object> state,
            Step<Object> change,
            Path mediaDir,
            String backupId,
            Object backupState) {
        this.child = child;
        this.manager = manager;
        this.state = state;
        this.change = change;
        this.mediaDir = mediaDir.toAbsolutePath().normalize();
        this.backupId = backupId;
        this.backupState = backupState;
    }

    /** SIGTERM ({@code kill}) false) or SIGKILL at a pause point of the child. */
    public Outcome stopAt(String pauseAt, boolean kill) throws Exception {
        return stop(pauseAt, kill, null);
    }

    /** SIGKILL as soon as {@code when} holds (polled every millisecond while the child restores). */
    public Outcome killWhen(String what, BooleanSupplier when) throws Exception {
        return stop("", true, when == null ? () -> true : when);
    }

    private Outcome stop(String pauseAt, boolean kill, BooleanSupplier when) throws Exception {
        change.run();
        Object old = state.run();
        String what = (kill ? "SIGKILL" : "SIGTERM") + " at " + (pauseAt.isEmpty() ? "a condition" : pauseAt);
        String output;
        try (ChildJvm c = child.start(backupId, pauseAt)) {
            if (when != null) {
                long end = System.nanoTime() + WAIT.toNanos();
                while (!when.getAsBoolean()) {
                    assertThat(c.isAlive() && System.nanoTime() < end)
                            .as(what + ": the child ended or the condition never held\n" + c.output())
                            .isTrue();
                    Thread.sleep(1);
                }
            } else {
                assertThat(c.awaitLine("PAUSED", WAIT)).as(c.output()).isTrue();
            }
            if (kill) {
                c.kill();
            } else {
                c.process().toHandle().destroy(); // SIGTERM (Process.destroy would close its output)
                assertThat(c.awaitExit(WAIT)).as(c.output()).isTrue();
                assertThat(c.output())
                        .as(what)
                        .contains("FAILED BackupCancelledException")
                        .contains("were both left as they were");
                assertThat(state.run())
                        .as(what + ": unchanged at once\n" + c.output())
                        .isEqualTo(old);
            }
            output = c.output();
        }
        try (BackupManager backups = manager.run()) { // finishes or undoes at its start
            Object after = state.run();
            Outcome outcome = after.equals(old) ? Outcome.OLD : Outcome.BACKUP;
            if (outcome == Outcome.BACKUP) {
                assertThat(after)
                        .as(what + ": the database and the media folder are together old or together the backup's\n"
                                + output)
                        .isEqualTo(backupState);
            }
            try (Stream<Path> siblings = Files.list(mediaDir.getParent())) {
                String prefix = "." + mediaDir.getFileName() + ".";
                assertThat(siblings.map(p -> p.getFileName().toString())
                                .filter(n -> n.startsWith(prefix) && !n.equals(prefix + "lock")))
                        .as(what + ": no staging, old media folder or journal left")
                        .isEmpty();
            }
            restoreWhenLeaseFree(backups);
            assertThat(state.run()).as(what + ": a new restore is exact").isEqualTo(backupState);
            System.out.println(what + " -> " + outcome);
            return outcome;
        }
    }

    /** The killed child's storage lease expires soon (its TTL is short); taking it over is not tested here. */
    private void restoreWhenLeaseFree(BackupManager backups) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                backups.restore(RestoreOptions.of(backupId).withSafetyBackup(false));
                return;
            } catch (BackupInProgressException e) {
                assertThat(e.getMessage()).contains("backup.lease");
                assertThat(System.nanoTime() < end).as(e.getMessage()).isTrue();
                Thread.sleep(100);
            }
        }
    }
    /**
     * Two restores of one database do not overlap: while {@code child}, a restore paused at a pause
     * point, holds the database, a restore of {@code otherId} and a create through the manager {@code
     * other} opens (another storage, the same database) are turned away; then SIGTERM cancels the
     * child. Returns the restore's refusal, for the caller to check whom it names.
     */
    public static BackupInProgressException refusedWhileRestoring(
            ChildJvm child, Step<BackupManager> other, String otherId) throws Exception {
        assertThat(child.awaitLine("PAUSED", WAIT)).as(child.output()).isTrue();
        Throwable refused;
        try (BackupManager b = other.run()) {
            refused = catchThrowable(() -> b.restore(RestoreOptions.of(otherId)));
            assertThat(refused).isInstanceOf(BackupInProgressException.class);
            assertThat(catchThrowable(b::create)).isInstanceOf(BackupInProgressException.class);
        }
        child.process().toHandle().destroy(); // SIGTERM: the paused restore is cancelled
        assertThat(child.awaitExit(WAIT)).as(child.output()).isTrue();
        assertThat(child.output()).contains("FAILED BackupCancelledException");
        return (BackupInProgressException) refused;
    }

    /** Every path under {@code media} with type, size, SHA-256, mtime (seconds) and permissions: {@link MediaState#of}. */
    public static Map<String, String> mediaState(Path media) throws IOException {
        return MediaState.of(media);
    }
}
