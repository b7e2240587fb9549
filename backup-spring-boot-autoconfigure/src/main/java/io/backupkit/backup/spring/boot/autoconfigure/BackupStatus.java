package io.backupkit.backup.spring.boot.autoconfigure;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The newest complete backup, read from the storage at most once a minute so health probes and
 * metric scrapes do not list the storage each time; a create in this application updates it at
 * once. Reading never throws: a storage that cannot be read gives a snapshot with the reason.
 */
public final class BackupStatus implements BackupListener {
    static final Duration TTL = Duration.ofMinutes(1);

    /** What was known at {@code readAt}: the newest backup (if any), or why the storage could not be read. */
    public record Snapshot(Optional<BackupInfo> newest, Instant readAt, String error) {}

    private final Supplier<BackupManager> manager;
    private final Clock clock;
    private Snapshot cached;

    public BackupStatus(Supplier<BackupManager> manager, Clock clock) {
        this.manager = manager;
        this.clock = clock;
    }

    /** The cached snapshot, refreshed when older than a minute. */
    public synchronized Snapshot snapshot() {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(cached.readAt().plus(TTL))) {
            cached = read(now);
        }
        return cached;
    }

    private Snapshot read(Instant now) {
        try {
            return new Snapshot(manager.get().latest(), now, null);
        } catch (RuntimeException e) {
            return new Snapshot(Optional.empty(), now, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Epoch seconds of the newest complete backup, or NaN when there is none (or it cannot be read). */
    public double newestEpochSeconds() {
        return snapshot()
                .newest()
                .map(b -> (double) b.created().getEpochSecond())
                .orElse(Double.NaN);
    }

    @Override
    public synchronized void backupSucceeded(CreateResult result) {
        BackupInfo made = result.backup();
        if (cached != null
                && cached.error() == null
                && cached.newest()
                        .map(b -> b.created().isBefore(made.created()))
                        .orElse(true)) {
            cached = new Snapshot(Optional.of(made), cached.readAt(), null);
        }
    }
}
