package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.RollbackWouldLoseDataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a rollback would throw away: what the host wrote to the database (the dumper compares with
 * the mark taken after the restore) and to the media folder since the restore. Without a mark it
 * cannot tell, which counts as a loss: only a forced rollback goes ahead.
 */
final class LossCheck {
    private final EngineSettings settings;
    private final KeptAsideRecord kept;
    private volatile List<String> lost = List.of();
    private volatile boolean looked;

    LossCheck(EngineSettings settings, KeptAsideRecord kept) {
        this.settings = settings;
        this.kept = kept;
    }

    /** Refuses when something would be lost, as far as can be seen now. */
    void refuseIfAny() {
        List<String> now = find();
        if (!now.isEmpty()) {
            throw new RollbackWouldLoseDataException(kept.restored(), now);
        }
    }

    /**
     * The look just before the first change, with no other session on the database: refuses when
     * something would be lost, unless {@code force}; then it is remembered for the result. Once.
     */
    void lastLook(boolean force) {
        if (looked) {
            return;
        }
        looked = true;
        List<String> now = find();
        if (!now.isEmpty() && !force) {
            throw new RollbackWouldLoseDataException(kept.restored(), now);
        }
        lost = now;
    }

    /** What the last look found lost (a forced rollback's). */
    List<String> lost() {
        return lost;
    }

    private List<String> find() {
        List<String> found = new ArrayList<>();
        if (kept.database() != null) {
            database().ifPresent(what -> found.add("the database: " + what));
        }
        if (kept.media() != null) {
            if (kept.mediaMark() == null) {
                found.add("the media folder: cannot tell what changed since the restore (it left no mark)");
            } else {
                MediaChanges.since(settings.mediaDir(), kept.mediaMark(), RestoreOperation.preservedInside(settings))
                        .ifPresent(found::add);
            }
        }
        return List.copyOf(found);
    }

    private Optional<String> database() {
        if (kept.databaseMark() == null) {
            return Optional.of(
                    "cannot tell what was written since the restore (it left no mark of the restored" + " state)");
        }
        try {
            return settings.dumper().writtenSince(kept.databaseMark());
        } catch (RuntimeException e) {
            return Optional.of("cannot tell what was written since the restore (" + e.getMessage() + ")");
        }
    }
}
