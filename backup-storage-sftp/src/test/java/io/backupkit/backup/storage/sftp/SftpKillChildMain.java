package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.KillFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The child JVM of {@link SftpKillDuringCreateIT}: {@code BackupManager.create()} with {@code
 * BACKUP_STORAGE=sftp} against the test's sshd, once or in a loop until it is killed ({@link
 * KillDuringCreate#runChild}).
 *
 * <p>Arguments: port, private key file, known_hosts file, remote folder, JDBC URL, media folder,
 * spool folder, lease TTL in millis, {@code once} or {@code loop}, and optionally a pause point.
 */
public final class SftpKillChildMain {
    private SftpKillChildMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, Object> options = new HashMap<>();
        options.put("host", "127.0.0.1");
        options.put("port", Integer.parseInt(args[0]));
        options.put("user", System.getProperty("user.name"));
        options.put("private_key_file", args[1]);
        options.put("known_hosts_file", args[2]);
        BackupManager.Builder builder = new KillFixture(args[4], Path.of(args[5]), Path.of(args[6]))
                .manager(Duration.ofMillis(Long.parseLong(args[7])))
                .storage("sftp", args[3], options);
        KillDuringCreate.runChild(builder, args[8], args.length > 9 ? args[9] : "");
    }
}
