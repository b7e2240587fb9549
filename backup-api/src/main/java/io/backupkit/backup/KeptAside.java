package io.backupkit.backup;

import java.time.Instant;
import java.util.Objects;

/**
 * The state a restore replaced and kept aside ({@link RestoreOptions.Safety#KEEP_ASIDE}), which
 * {@link BackupManager#rollback} puts back.
 *
 * @param restored the id of the backup whose restore replaced it
 * @param since when it was kept aside (the restore's commit)
 * @param database whether the database's replaced state is kept
 * @param media whether the media folder's replaced state is kept
 */
public record KeptAside(String restored, Instant since, boolean database, boolean media) {
    /** Requires {@code restored} and {@code since}. */
    public KeptAside {
        Objects.requireNonNull(restored, "restored");
        Objects.requireNonNull(since, "since");
    }
}
