package io.backupkit.backup.core.matrix;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import io.backupkit.backup.VerifyMode;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link SecretsTest}, run with slf4j-simple at TRACE: a create, verify and restore
 * with the right password, then failures with a wrong password and an unreachable server, each
 * failure's stack trace printed. The parent checks that no password appears in any of it.
 *
 * <p>Arguments: the fixture's root folder and the database URL.
 */
public final class SecretsChildMain {
    private SecretsChildMain() {}

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        String url = args[1];
        try (BackupManager good = builder(root, url, SecretsTest.PASSWORD).build()) {
            BackupInfo info = good.create().backup();
            good.verify(info.id().value(), VerifyMode.DEEP);
            good.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false));
            System.err.println("settings: " + good.settings());
        }
        attempt(root, url, SecretsTest.WRONG);
        attempt(root, "jdbc:h2:tcp://127.0.0.1:1/nowhere/app", SecretsTest.PASSWORD);
        System.err.println("CHILD-DONE");
    }

    private static BackupManager.Builder builder(Path root, String url, String password) {
        return BackupManager.builder()
                .storage("filesystem", root.resolve("backups-child").toString(), Map.of("fsync", false))
                .database(url, "APPUSER", Secret.of(password))
                .mediaDir(root.resolve("media"))
                .spoolDir(root.resolve("spool"));
    }

    private static void attempt(Path root, String url, String password) {
        try (BackupManager manager = builder(root, url, password).build()) {
            manager.create();
            System.err.println("UNEXPECTED-SUCCESS");
        } catch (BackupException e) {
            e.printStackTrace();
            System.err.println("FAILED-AS-EXPECTED");
        }
    }
}
