package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.Phase;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link DropboxKillDuringCreateIT}: {@code BackupManager.create()} on the Dropbox
 * fake of the test JVM (reached through {@link LocalDropboxRequestor}), once or in a loop until it
 * is killed. Prints {@code READY}, {@code PHASE <phase> START|END} and {@code CREATED <id> <millis>}.
 *
 * <p>Arguments: fake's port, Dropbox folder, chunk size, JDBC URL, media folder, spool folder, lease
 * TTL in millis, {@code once} or {@code loop}.
 */
public final class DropboxKillChildMain {
    private DropboxKillChildMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        DropboxSettings settings = TestDropbox.settings(args[1]).withChunkSize(Integer.parseInt(args[2]));
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
                .storage(new DropboxStorage(settings, new LocalDropboxRequestor(port)))
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
