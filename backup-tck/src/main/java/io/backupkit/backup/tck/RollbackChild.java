package io.backupkit.backup.tck;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RollbackOptions;

/**
 * The child half of a test that kills a rollback: like {@link RestoreChild}, for {@code
 * BackupManager.rollback} (forced, so that a state kept by an earlier killed restore can be rolled
 * back too). Prints {@code READY}, {@code PHASE <phase> START|END}, {@code PAUSED} at the pause point
 * ({@code DATABASE_RESTORE:END} is after the database was put back, before the media folder), then
 * {@code ROLLED BACK} or {@code FAILED <exception class>: <message>}.
 */
public final class RollbackChild {
    private RollbackChild() {}

    /** Rolls back with {@code builder}'s manager; returns when it ended. */
    public static void run(BackupManager.Builder builder, String pauseAt) throws Exception {
        BackupListener listener = new PausingListener(pauseAt);
        try (BackupManager backups = builder.listener(listener).build()) {
            System.out.println("READY");
            try {
                backups.rollback(RollbackOptions.defaults().forcing());
                System.out.println("ROLLED BACK");
            } catch (BackupException e) {
                System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
