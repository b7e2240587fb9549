package io.backupkit.backup;

/**
 * Progress and events of a {@link BackupManager}. Every method has a no-op default; implementations
 * must be thread-safe (the dump and the media archive report from their own threads) and quick.
 * Exceptions thrown by a listener are logged and ignored.
 */
public interface BackupListener {
    /** A listener that does nothing. */
    BackupListener NONE = new BackupListener() {};

    /** One listener that hands every event to each of {@code listeners}, in order. */
    static BackupListener all(java.util.List<BackupListener> listeners) {
        return switch (listeners.size()) {
            case 0 -> NONE;
            case 1 -> listeners.get(0);
            default -> new Listeners(listeners);
        };
    }

    /** A phase started; {@code expectedBytes} is -1 when unknown. */
    default void phaseStarted(Phase phase, long expectedBytes) {}

    /**
     * How many bytes {@code phase} is expected to process, once known after it started: the database's
     * size for the dump, the media files' sizes for the media archive. An estimate: progress may end
     * below or above it.
     */
    default void phaseSized(Phase phase, long expectedBytes) {}

    /** Bytes processed so far in {@code phase} (source bytes: dump output, media file content, downloads). */
    default void progress(Phase phase, long bytesDone) {}

    /** A phase ended; a failure is reported by {@link #backupFailed} or {@link #restoreFailed}. */
    default void phaseFinished(Phase phase) {}

    /** A create started with these options. */
    default void backupStarted(CreateOptions options) {}

    /** A create finished; the backup is complete and listed. */
    default void backupSucceeded(CreateResult result) {}

    /** A create failed; no new backup is listed. */
    default void backupFailed(CreateOptions options, BackupException failure) {}

    /** A restore of {@code backup} started. */
    default void restoreStarted(BackupInfo backup) {}

    /** A restore finished; database and media are those of the backup. */
    default void restoreSucceeded(RestoreResult result) {}

    /** A restore of {@code backup} (id or {@code latest}) failed with {@code failure}. */
    default void restoreFailed(String backup, BackupException failure) {}

    /** A warning a user should see (e.g. a symlink skipped, a non-transactional table). */
    default void warning(String message) {}
}
