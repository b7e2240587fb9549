package io.backupkit.backup.db.postgres;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link PostgresChildEnvironmentIT}: a create and a restore (with its safety
 * backup) through the library, the password taken from {@code BACKUP_DATABASE_PASSWORD} as a host
 * would. Arguments: root folder, JDBC URL, the wrappers' folder.
 */
public final class ChildEnvironmentMain {
    private ChildEnvironmentMain() {}

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", root.resolve("backups").toString(), Map.of("fsync", false))
                .database(args[1], PgTestDatabase.ADMIN, Secret.of(System.getenv("BACKUP_DATABASE_PASSWORD")))
                .dumper("postgres", Map.of("bin_dir", args[2]))
                .mediaDir(root.resolve("media"))
                .build()) {
            String id = backups.create().id().value();
            backups.restore(RestoreOptions.of(id)); // keep-aside: pg_restore into a new database
            // in place, after a safety backup: pg_dump again, pg_restore piped into psql
            backups.restore(RestoreOptions.of(id).withSafety(RestoreOptions.Safety.BACKUP));
        }
        System.out.println("CHILD-DONE");
    }
}
