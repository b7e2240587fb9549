package io.backupkit.backup.core.internal.lease;

import io.backupkit.backup.core.storage.FilesystemStorage;
import java.time.Clock;
import java.time.Duration;

/**
 * The child of {@link StaleLeaseTest}: takes the lease in a folder (ten minutes), prints {@code
 * HELD} and waits to be killed. Arguments: folder, and optionally the host name its lease records
 * (a simulated other host).
 */
public final class LeaseHolderMain {
    private LeaseHolderMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            System.setProperty(ProcessIdentity.HOST_PROPERTY, args[1]);
        }
        StorageLease lease = StorageLease.acquire(
                new FilesystemStorage(java.nio.file.Path.of(args[0])),
                StorageLease.DEFAULT_NAME,
                StorageLease.defaultOwner(),
                Duration.ofMinutes(10),
                Clock.systemUTC());
        System.out.println("HELD " + lease.owner());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5).toMillis());
    }
}
