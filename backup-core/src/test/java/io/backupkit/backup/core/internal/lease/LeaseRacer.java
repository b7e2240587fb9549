package io.backupkit.backup.core.internal.lease;

import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The child process of {@link StorageLeaseProcessTest}: races for the lease in a folder in two
 * rounds, each started by a "go" file, and prints {@code WON} or {@code LOST} per round. It stays
 * alive until a third "go" file appears: a lease of an ended process on this host is stale, and a
 * slower racer would rightly take it over and win too.
 *
 * <p>Arguments: folder, owner, go files of round 1, round 2 and of the end.
 */
public final class LeaseRacer {
    private LeaseRacer() {}

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        String owner = args[1];
        BackupStorage storage = new FilesystemStorage(folder);
        // warm up class loading and the code paths so the processes race closely
        StorageLease.tryAcquire(storage, "warmup-" + owner + ".lease", owner, Duration.ofMinutes(1), Clock.systemUTC())
                .orElseThrow()
                .release();
        System.out.println("READY");
        System.out.flush();
        for (int round = 0; round < 3; round++) {
            Path go = Path.of(args[2 + round]);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    System.out.println("TIMEOUT");
                    System.exit(2);
                }
                Thread.onSpinWait();
            }
            if (round == 2) {
                return; // all have answered: a winner may end now (its lease becomes stale at once)
            }
            Optional<StorageLease> lease = StorageLease.tryAcquire(
                    storage, StorageLease.DEFAULT_NAME, owner, Duration.ofMinutes(10), Clock.systemUTC());
            System.out.println(lease.isPresent() ? "WON" : "LOST");
            System.out.flush();
        }
    }
}
