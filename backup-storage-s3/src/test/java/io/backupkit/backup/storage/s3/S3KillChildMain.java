package io.backupkit.backup.storage.s3;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The child JVM of {@link S3KillDuringCreateIT}: {@code BackupManager.create()} with {@code
 * BACKUP_STORAGE=s3} against the S3Proxy of the test JVM, once or in a loop until it is killed.
 * Prints {@code READY}, {@code PHASE <phase> START|END} and {@code CREATED <id> <millis>}.
 *
 * <p>Arguments: endpoint, bucket, key prefix, JDBC URL, media folder, spool folder, lease TTL in
 * millis, {@code once} or {@code loop}.
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
        boolean loop = "loop".equals(args[7]);
        BackupListener listener = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                say("PHASE " + phase + " START");
            }

            @Override
            public void phaseFinished(Phase phase) {
                say("PHASE " + phase + " END");
            }
        };
        try (BackupManager manager = BackupManager.builder()
                .storage("s3", args[2], options)
                .database(args[3], "sa", null)
                .mediaDir(Path.of(args[4]))
                .spoolDir(Path.of(args[5]))
                .hostApplication("kill-app", "1.0.0")
                .leaseTtl(Duration.ofMillis(Long.parseLong(args[6])))
                .listener(listener)
                .build()) {
            say("READY");
            do {
                long t0 = System.nanoTime();
                try {
                    CreateResult r = manager.create();
                    say("CREATED " + r.id() + " " + (System.nanoTime() - t0) / 1_000_000);
                } catch (BackupInProgressException e) {
                    say("LEASE-BUSY");
                    Thread.sleep(100);
                }
            } while (loop);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
