package io.backupkit.backup.core.matrix;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.tck.KillDuringCreate;

/**
 * The child JVM of {@link DedupKillIT}: {@link KillChildMain}'s creates on a dedup location, or
 * ({@code prune}) one prune that only collects chunks, printing {@code PRUNING} when it starts and
 * {@code PRUNED} when it is done.
 *
 * <p>Arguments: backup folder, JDBC URL, media folder, spool folder, lease TTL in millis, {@code
 * once}, {@code loop} or {@code prune}, and optionally a pause point as {@link KillChildMain} takes.
 */
public final class DedupChildMain {
    private DedupChildMain() {}

    public static void main(String[] args) throws Exception {
        BackupManager.Builder builder = KillChildMain.builder(args).format(BackupFormat.DEDUP);
        if (!"prune".equals(args[5])) {
            KillDuringCreate.runChild(builder, args[5], args.length > 6 ? args[6] : "");
            return;
        }
        System.setProperty(
                "io.backupkit.lease.host",
                "kill-child-" + ProcessHandle.current().pid());
        BackupListener listener = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                if (phase == Phase.PRUNE) {
                    System.out.println("PRUNING");
                    System.out.flush();
                }
            }
        };
        try (BackupManager manager = builder.listener(listener).build()) {
            manager.prune(KillDuringCreate.SWEEP_ONLY, PruneMode.APPLY);
            System.out.println("PRUNED");
            System.out.flush();
        }
    }
}
