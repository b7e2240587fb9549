package io.backupkit.backup.spi;

import io.backupkit.backup.DatabaseInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A verified database dump handed to {@link DatabaseDumper#restore}. Its bytes were checked
 * against the manifest before this is called; they are decompressed (and decrypted) on the fly.
 */
public interface DumpSource {
    /** The dump as the dumper wrote it. Each call opens a new stream from the start. */
    InputStream open() throws IOException;

    /**
     * The dump as a plain local file (for tools that cannot read a pipe, e.g. {@code pg_restore -j}).
     * Written into {@link #workDir()} on first call, readable by its owner only. An interrupt of the
     * calling thread stops the writing with an {@link java.io.InterruptedIOException}.
     */
    Path toFile() throws IOException;

    /** A private folder the dumper may use during this restore (deleted afterwards). */
    Path workDir();

    /** What the manifest recorded about the dump. */
    DatabaseInfo info();

    /**
     * The commit gate: a dumper that declares {@link DatabaseDumper#gatesCommit()} calls this once,
     * when the restored state is complete and just before it is made permanent (before {@code
     * COMMIT}, before a rollback snapshot is dropped). It blocks until the other parts of the restore
     * (the media archive) are verified and in place, so the engine can run them concurrently with the
     * database restore. If it throws, the dumper must roll back as for any failure and rethrow.
     */
    default void beforeCommit() {}

    /**
     * Whether the dumper ends the other sessions on the target database before it changes anything;
     * otherwise it refuses with {@link io.backupkit.backup.DatabaseInUseException} while there are any.
     */
    default boolean terminateSessions() {
        return false;
    }

    /** The longest the restore waits for a lock another session holds before it rolls back. */
    default java.time.Duration lockTimeout() {
        return io.backupkit.backup.RestoreOptions.DEFAULT_LOCK_TIMEOUT;
    }

    /**
     * Records what {@link DatabaseDumper#recoverRestore} needs to finish or undo this restore should
     * the process die (a rollback snapshot's path, a transaction id): a dumper calls it before its
     * first change it cannot undo by itself, or before {@link #beforeCommit()}, and again when the
     * token changes. The engine writes it to disk before it returns.
     */
    default void recoveryPoint(String token) {}

    /**
     * Says that the dumper could not put the database back after a failure (say, the process is
     * shutting down and the database went with it): {@code token} is what {@link
     * DatabaseDumper#recoverRestore} needs to try again ({@code committing} false). The engine keeps
     * its journal, so the next operation on this database does. Called just before the dumper throws.
     */
    default void rollbackFailed(String token) {}

    /**
     * An id (letters, digits and {@code _}) for the state this restore replaces when the caller wants it kept
     * aside, else empty. When present, a dumper whose {@link DatabaseDumper#whyNotKeepAside()} is
     * empty keeps the replaced state instead of discarding it, and calls {@link #keptAside} before
     * {@link #beforeCommit()}.
     */
    default java.util.Optional<String> keepAside() {
        return java.util.Optional.empty();
    }

    /**
     * A folder that outlives the restore, where a dumper may keep the replaced state aside as a file
     * (by default the parent of {@link #workDir()}).
     */
    default Path asideDir() {
        return workDir().getParent();
    }

    /**
     * Names the replaced state the dumper keeps aside ({@code token}, what {@link
     * DatabaseDumper#rollbackAside} and {@link DatabaseDumper#dropAside} take). The engine writes it
     * to disk before it returns.
     */
    default void keptAside(String token) {}
}
