package io.backupkit.backup.core.matrix;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The child JVM of {@link KillDuringCreateIT}: runs {@code BackupManager.create()} on the given H2
 * database and media folder, once or in a loop until it is killed, and reports on standard output
 * where it is ({@code READY}, {@code PHASE <phase> START|END}, {@code CREATED <id> <millis>}).
 *
 * <p>Arguments: backup folder, JDBC URL, media folder, spool folder, lease TTL in millis, {@code
 * once} or {@code loop}, and optionally a pause point {@code <PHASE>:START} or {@code <PHASE>:END}:
 * when the create reaches it, the child prints {@code PAUSED} and waits there to be killed (a
 * deterministic kill at that step, e.g. after both artifacts were committed and before the
 * manifest is written).
 */
public final class KillChildMain {
    private KillChildMain() {}

    public static void main(String[] args) throws Exception {
        Path backups = Path.of(args[0]);
        String url = args[1];
        Path media = Path.of(args[2]);
        Path spool = Path.of(args[3]);
        Duration ttl = Duration.ofMillis(Long.parseLong(args[4]));
        boolean loop = "loop".equals(args[5]);
        String pauseAt = args.length > 6 ? args[6] : "";
        BackupListener listener = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                say("PHASE " + phase + " START");
                pauseIf(pauseAt, phase + ":START");
            }

            @Override
            public void phaseFinished(Phase phase) {
                say("PHASE " + phase + " END");
                pauseIf(pauseAt, phase + ":END");
            }
        };
        try (BackupManager manager = BackupManager.builder()
                .storage("filesystem", backups.toString(), Map.of()) // fsync on: the real thing
                .database(url, "sa", null)
                .mediaDir(media)
                .spoolDir(spool)
                .hostApplication("matrix-app", "1.0.0")
                .leaseTtl(ttl)
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

    private static void pauseIf(String pauseAt, String point) {
        if (pauseAt.equals(point)) {
            say("PAUSED " + point);
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
