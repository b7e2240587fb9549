package io.backupkit.backup.tck;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;

/**
 * The child half of a test that stops a restore with SIGTERM or SIGKILL: runs {@code
 * BackupManager.restore} on its own thread, with a shutdown hook that interrupts that thread and
 * waits for it (what the command line does on SIGINT/SIGTERM), and prints where it is: {@code
 * READY}, {@code PHASE <phase> START|END}, {@code PAUSED} when it waits at the pause point, then
 * {@code RESTORED} or {@code FAILED <exception class>: <message>}.
 *
 * <p>The pause point is {@code <PHASE>:START} or {@code <PHASE>:END} (or empty). The listener waits
 * there, on the restore's thread, until the process is killed or interrupted; {@code
 * MEDIA_RESTORE:END} is between the two commits (the media folder swapped, the database not yet
 * committed).
 */
public final class RestoreChild {
    private RestoreChild() {}

    /** Restores {@code backupId} with {@code builder}'s manager, a safety backup first; returns when it ended. */
    public static void run(BackupManager.Builder builder, String backupId, String pauseAt) throws Exception {
        run(builder, backupId, pauseAt, RestoreOptions.Safety.BACKUP);
    }

    /** Restores {@code backupId} with {@code builder}'s manager and {@code safety}; returns when it ended. */
    public static void run(BackupManager.Builder builder, String backupId, String pauseAt, RestoreOptions.Safety safety)
            throws Exception {
        BackupListener listener = new PausingListener(pauseAt);
        try (BackupManager backups = builder.listener(listener).build()) {
            Thread restore = new Thread(
                    () -> {
                        try {
                            backups.restore(RestoreOptions.of(backupId).withSafety(safety));
                            System.out.println("RESTORED");
                        } catch (BackupException e) {
                            System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    },
                    "restore");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                restore.interrupt();
                try {
                    restore.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.out.println("READY");
            restore.start();
            restore.join();
        }
    }
}
