package io.backupkit.backup.storage.s3;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.tck.KillDuringCreate;
import io.backupkit.backup.tck.KillFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The child JVM of {@link S3KillDuringCreateIT}: {@code BackupManager.create()} with {@code
 * BACKUP_STORAGE=s3} against the S3Proxy of the test JVM, once or in a loop until it is killed
 * ({@link KillDuringCreate#runChild}, which prints {@code READY}, {@code PHASE <phase> START|END}
 * and {@code CREATED <id> <millis>}).
 *
 * <p>Arguments: endpoint, bucket, key prefix, JDBC URL, media folder, spool folder, lease TTL in
 * millis, {@code once} or {@code loop}, and optionally a pause point.
 */
public final class S3KillChildMain {
    private S3KillChildMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, Object> options = new HashMap<>();
        options.put("endpoint", args[0]);
        options.put("bucket", args[1]);
        options.put("region", "us-east-1");
        options.put("path_style", true);
        options.put("access_key", S3ProxyServer.ACCESS_KEY);
        options.put("secret_key", S3ProxyServer.SECRET_KEY);
        options.put("part_size", "5MiB");
        options.put("parallel_parts", 2);
        BackupManager.Builder builder = new KillFixture(args[3], Path.of(args[4]), Path.of(args[5]))
                .manager(Duration.ofMillis(Long.parseLong(args[6])))
                .storage("s3", args[2], options);
        KillDuringCreate.runChild(builder, args[7], args.length > 8 ? args[8] : "");
    }
}
