package io.backupkit.backup;

import java.util.List;
import java.util.function.Consumer;

/**
 * Several listeners as one. Each gets every event even when one before it throws; the first
 * exception is rethrown afterwards, for the engine to report and ignore like any listener's.
 */
final class Listeners implements BackupListener {
    private final List<BackupListener> listeners;

    Listeners(List<BackupListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<BackupListener> event) {
        RuntimeException first = null;
        for (BackupListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void phaseStarted(Phase phase, long expectedBytes) {
        each(l -> l.phaseStarted(phase, expectedBytes));
    }

    @Override
    public void phaseSized(Phase phase, long expectedBytes) {
        each(l -> l.phaseSized(phase, expectedBytes));
    }

    @Override
    public void progress(Phase phase, long bytesDone) {
        each(l -> l.progress(phase, bytesDone));
    }

    @Override
    public void phaseFinished(Phase phase) {
        each(l -> l.phaseFinished(phase));
    }

    @Override
    public void backupStarted(CreateOptions options) {
        each(l -> l.backupStarted(options));
    }

    @Override
    public void backupSucceeded(CreateResult result) {
        each(l -> l.backupSucceeded(result));
    }

    @Override
    public void backupFailed(CreateOptions options, BackupException failure) {
        each(l -> l.backupFailed(options, failure));
    }

    @Override
    public void restoreStarted(BackupInfo backup) {
        each(l -> l.restoreStarted(backup));
    }

    @Override
    public void restoreSucceeded(RestoreResult result) {
        each(l -> l.restoreSucceeded(result));
    }

    @Override
    public void restoreFailed(String backup, BackupException failure) {
        each(l -> l.restoreFailed(backup, failure));
    }

    @Override
    public void warning(String message) {
        each(l -> l.warning(message));
    }
}
