package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.core.internal.lease.StorageLease;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the storage lease for one operation that changes the storage (create, restore, prune,
 * delete) and renews it in the background, so one runs at a time across processes.
 */
final class LeaseGuard implements AutoCloseable {
    /** The lease object's name: not a backup id, so never taken for a backup or a leftover. */
    static final String NAME = StorageLease.DEFAULT_NAME;

    private static final Logger LOG = LoggerFactory.getLogger(LeaseGuard.class);

    private final StorageLease lease;
    private final ScheduledExecutorService renewer;

    private LeaseGuard(StorageLease lease, Duration ttl) {
        this.lease = lease;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backup-lease-renewal");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1000, ttl.toMillis() / 3);
        renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /** Takes the lease or throws {@link io.backupkit.backup.BackupInProgressException}. */
    static LeaseGuard acquire(EngineSettings settings) {
        StorageLease lease = StorageLease.acquire(
                settings.storage(), NAME, StorageLease.defaultOwner(), settings.leaseTtl(), settings.clock());
        return new LeaseGuard(lease, settings.leaseTtl());
    }

    private void renew() {
        try {
            lease.renew();
        } catch (RuntimeException e) {
            LOG.error("could not renew the storage lease; another process may take it over", e);
        }
    }

    /** Stops renewing and releases the lease, also on a cancelled (interrupted) thread. */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted(); // storages fail I/O on an interrupted thread
        renewer.shutdownNow();
        try {
            renewer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            lease.release();
        } catch (RuntimeException e) {
            LOG.warn("could not release the storage lease; it expires by itself", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
