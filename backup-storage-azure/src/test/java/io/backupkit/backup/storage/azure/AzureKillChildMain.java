package io.backupkit.backup.storage.azure;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.KillFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The child JVM of {@link AzureKillDuringCreateIT}: {@code BackupManager.create()} with {@code
 * BACKUP_STORAGE=azure} against the Azurite of the test JVM, once or in a loop until it is killed
 * ({@link KillDuringCreate#runChild}).
 *
 * <p>Arguments: endpoint, container, key file, blob prefix, JDBC URL, media folder, spool folder,
 * lease TTL in millis, {@code once} or {@code loop}, and optionally a pause point.
 */
public final class AzureKillChildMain {
    private AzureKillChildMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, Object> options = new HashMap<>();
        options.put("endpoint", args[0]);
        options.put("container", args[1]);
        options.put("account", AzuriteServer.ACCOUNT);
        options.put("key_file", args[2]);
        options.put("block_size", AzureKillDuringCreateIT.BLOCK_SIZE);
        options.put("parallel_blocks", 2);
        BackupManager.Builder builder = new KillFixture(args[4], Path.of(args[5]), Path.of(args[6]))
                .manager(Duration.ofMillis(Long.parseLong(args[7])))
                .storage("azure", args[3], options);
        KillDuringCreate.runChild(builder, args[8], args.length > 9 ? args[9] : "");
    }
}
