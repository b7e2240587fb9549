package io.backupkit.backup;

import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of {@link BackupManager#unlock(UnlockMode)}: who held the storage lease and whether it
 * was removed.
 *
 * @param holder who held the lease (host, process id, random part), or null when none was held
 * @param expires when that lease expires unless its holder renews it; null when none was held
 * @param staleReason why its holder is known to be gone (it expired, or its process ended on this
 *     host), or null when it may still be running
 * @param removed whether the lease was removed
 */
public record UnlockResult(String holder, Instant expires, String staleReason, boolean removed) {
    /** Whether a lease was held at all. */
    public boolean held() {
        return holder != null;
    }

    /** Why the holder is known to be gone, if it is. */
    public Optional<String> stale() {
        return Optional.ofNullable(staleReason);
    }
}
