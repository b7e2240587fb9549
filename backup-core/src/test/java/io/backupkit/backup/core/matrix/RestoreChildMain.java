package io.backupkit.backup.core.matrix;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.RestoreChild;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link KillDuringRestoreIT}: restores a backup of an H2 database and a media
 * folder from a filesystem storage ({@link RestoreChild}). Arguments: backup folder, JDBC URL, media
 * folder, spool folder, backup id (or {@code ROLLBACK}: a forced rollback instead), pause point (or empty).
 */
public final class RestoreChildMain {
    private RestoreChildMain() {}

    public static void main(String[] args) throws Exception {
        BackupManager.Builder builder = BackupManager.builder()
                .storage("filesystem", args[0], Map.of())
                .database(args[1], "sa", null)
                .mediaDir(Path.of(args[2]))
                .spoolDir(Path.of(args[3]))
                .hostApplication("matrix-app", "1.0.0")
                .leaseTtl(KillDuringRestoreIT.LEASE_TTL);
        if (args[4].equals("ROLLBACK")) {
            io.backupkit.backup.tck.RollbackChild.run(builder, args.length > 5 ? args[5] : "");
            return;
        }
        RestoreChild.run(builder, args[4], args.length > 5 ? args[5] : "");
    }
}
