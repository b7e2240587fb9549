package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.RestoreChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The child JVM of {@link MysqlKillDuringRestoreIT}. Arguments: backup folder, JDBC URL, media
 * folder, spool folder, backup id (or {@code ROLLBACK}: a forced rollback instead), pause point (or empty).
 */
public final class MysqlRestoreChildMain {
    private MysqlRestoreChildMain() {}

    public static void main(String[] args) throws Exception {
        if (args[4].equals("ROLLBACK")) {
            io.backupkit.backup.tck.RollbackChild.run(
                    BackupManager.builder()
                            .storage("filesystem", args[0], Map.of())
                            .database(args[1], MariaDbServer.ROOT, null)
                            .mediaDir(Path.of(args[2]))
                            .spoolDir(Path.of(args[3]))
                            .leaseTtl(Duration.ofSeconds(2)),
                    args.length > 5 ? args[5] : "");
            return;
        }
        RestoreChild.run(
                BackupManager.builder()
                        .storage("filesystem", args[0], Map.of())
                        .database(args[1], MariaDbServer.ROOT, null)
                        .mediaDir(Path.of(args[2]))
                        .spoolDir(Path.of(args[3]))
                        .hostApplication("mysql-it", "1.0.0")
                        .leaseTtl(Duration.ofSeconds(2)),
                args[4],
                args.length > 5 ? args[5] : "");
    }
}
