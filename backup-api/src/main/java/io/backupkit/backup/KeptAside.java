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
 * @param writesTracked whether a rollback can tell what the host wrote since (a mark of the restored
 *     state was taken); when not, a rollback is refused unless forced
 */
public record KeptAside(String restored, Instant since, boolean database, boolean media, boolean writesTracked) {
    /** Requires {@code restored} and {@code since}. */
    public KeptAside {
        Objects.requireNonNull(restored, "restored");
        Objects.requireNonNull(since, "since");
    }

    /** Without a mark of the restored state. */
    public KeptAside(String restored, Instant since, boolean database, boolean media) {
        this(restored, since, database, media, false);
    }
}
