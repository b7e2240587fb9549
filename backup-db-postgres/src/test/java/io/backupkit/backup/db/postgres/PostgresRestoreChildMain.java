package io.backupkit.backup.db.postgres;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.RestoreChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The child JVM of {@link PostgresKillDuringRestoreIT}. Arguments: backup folder, JDBC URL, media
 * folder, spool folder, backup id, pause point (or empty), safety (default BACKUP) or {@code ROLLBACK}
 * for a forced rollback instead.
 */
public final class PostgresRestoreChildMain {
    private PostgresRestoreChildMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 6 && args[6].equals("ROLLBACK")) {
            io.backupkit.backup.tck.RollbackChild.run(builder(args), args[5]);
            return;
        }
        RestoreChild.run(
                BackupManager.builder()
                        .storage("filesystem", args[0], Map.of())
                        .database(args[1], PgTestDatabase.ADMIN, null)
                        .mediaDir(Path.of(args[2]))
                        .spoolDir(Path.of(args[3]))
                        .hostApplication("it", "1.0")
                        .leaseTtl(Duration.ofSeconds(2)),
                args[4],
                args.length > 5 ? args[5] : "",
                args.length > 6
                        ? io.backupkit.backup.RestoreOptions.Safety.valueOf(args[6])
                        : io.backupkit.backup.RestoreOptions.Safety.BACKUP);
    }

    private static BackupManager.Builder builder(String[] args) {
        return BackupManager.builder()
                .storage("filesystem", args[0], Map.of())
                .database(args[1], PgTestDatabase.ADMIN, null)
                .mediaDir(Path.of(args[2]))
                .spoolDir(Path.of(args[3]))
                .hostApplication("it", "1.0")
                .leaseTtl(Duration.ofSeconds(2));
    }
}
