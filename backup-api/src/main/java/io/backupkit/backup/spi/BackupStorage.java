package io.backupkit.backup.spi;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A place to keep backup objects: a folder, a bucket prefix, a Dropbox folder. Names are flat
 * ({@code [A-Za-z0-9._-]+}, no slashes). Implementations are thread-safe: the dump and the media
 * archive are written concurrently.
 *
 * <p>Failures are {@link io.backupkit.backup.UnableToStoreException}s (a missing object: {@link
 * io.backupkit.backup.StoredObjectNotFoundException}); implementations retry transient failures
 * themselves with bounded backoff and fail fast on permanent ones (denied, no such bucket, no
 * space). Messages never contain credentials.
 */
public interface BackupStorage extends AutoCloseable {
    /** A user-facing description such as {@code /var/backups} or {@code s3://bucket/prefix/}, no secrets. */
    String describe();

    /** Starts writing an object; see {@link ObjectWrite} for the commit protocol. */
    ObjectWrite openWrite(String name) throws IOException;

    /** Opens an object for reading from {@code offset} (0 for the whole object). */
    InputStream openRead(String name, long offset) throws IOException;

    /** Opens a whole object for reading. */
    default InputStream openRead(String name) throws IOException {
        return openRead(name, 0);
    }

    /** Metadata of one object, or empty when it does not exist. */
    Optional<StoredObject> stat(String name) throws IOException;

    /** All committed objects whose name starts with {@code prefix} (empty: all), in any order. */
    List<StoredObject> list(String prefix) throws IOException;

    /** Deletes an object; deleting a missing object is not an error. */
    void delete(String name) throws IOException;

    /**
     * Creates a small object only if no object of that name exists, atomically: of two concurrent
     * callers at most one gets {@code true}. This is the basis of the storage lease (single-flight
     * backups across processes). Each backend documents how it is atomic.
     *
     * @return true when this call created the object
     */
    boolean createIfAbsent(String name, byte[] content) throws IOException;

    /**
     * Deletes {@code object} only if it is still the version given (same {@link StoredObject#version()}),
     * atomically with respect to {@link #createIfAbsent}: used to take over a stale lease without
     * removing a fresh one that another process just created.
     *
     * @return true when this call deleted that version
     */
    boolean deleteIfUnchanged(StoredObject object) throws IOException;

    /**
     * Removes what interrupted writes left behind and that is older than {@code olderThan}: temp
     * files, incomplete multipart uploads, upload sessions. Committed objects are not touched.
     *
     * @return descriptions of what was removed (or would be, when {@code dryRun})
     */
    default List<String> sweep(Duration olderThan, Instant now, boolean dryRun) throws IOException {
        return List.of();
    }

    /**
     * The local folder holding the objects, for storages that keep them on this machine's file
     * system. The engine leaves it out of the media archive when it lies inside the media folder, and
     * verifies local artifacts in place instead of copying them.
     */
    default Optional<java.nio.file.Path> localFolder() {
        return Optional.empty();
    }

    /** Releases clients and threads. */
    @Override
    default void close() {}
}
