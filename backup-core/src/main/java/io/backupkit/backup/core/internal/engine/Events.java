package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupListener;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a listener, logging and swallowing whatever it throws (a listener must not break a backup). */
final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private Events() {}

    static void fire(BackupListener listener, Consumer<BackupListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("a BackupListener threw; ignored", e);
        }
    }

    static void warn(BackupListener listener, String message) {
        fire(listener, l -> l.warning(message));
    }

    /** A listener that never throws, for the pipeline threads. */
    static BackupListener safe(BackupListener listener) {
        return new BackupListener() {
            @Override
            public void phaseStarted(io.backupkit.backup.Phase phase, long expectedBytes) {
                fire(listener, l -> l.phaseStarted(phase, expectedBytes));
            }

            @Override
            public void phaseSized(io.backupkit.backup.Phase phase, long expectedBytes) {
                fire(listener, l -> l.phaseSized(phase, expectedBytes));
            }

            @Override
            public void progress(io.backupkit.backup.Phase phase, long bytesDone) {
                fire(listener, l -> l.progress(phase, bytesDone));
            }

            @Override
            public void phaseFinished(io.backupkit.backup.Phase phase) {
                fire(listener, l -> l.phaseFinished(phase));
            }

            @Override
            public void warning(String message) {
                fire(listener, l -> l.warning(message));
            }
        };
    }
}
