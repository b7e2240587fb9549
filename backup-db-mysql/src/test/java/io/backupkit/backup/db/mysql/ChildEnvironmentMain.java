package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link MysqlChildEnvironmentIT}: a create and a restore (with its safety backup)
 * through the library, the password taken from {@code BACKUP_DATABASE_PASSWORD} as a host would.
 * Arguments: root folder, JDBC URL, user, the wrappers' folder.
 */
public final class ChildEnvironmentMain {
    private ChildEnvironmentMain() {}

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", root.resolve("backups").toString(), Map.of("fsync", false))
                .database(args[1], args[2], Secret.of(System.getenv("BACKUP_DATABASE_PASSWORD")))
                .dumper("mysql", Map.of("bin_dir", args[3]))
                .mediaDir(root.resolve("media"))
                .build()) {
            String id = backups.create().id().value();
            backups.restore(RestoreOptions.of(id));
        }
        System.out.println("CHILD-DONE");
    }
}
