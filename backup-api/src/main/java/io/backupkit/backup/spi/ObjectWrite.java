package io.backupkit.backup.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A write of one object of unknown length. The bytes written to {@link #stream()} become visible
 * under the object's name only when {@link #commit()} returns; {@link #close()} without a commit,
 * or any failure, leaves no visible object and nothing billed behind (no orphan multipart upload,
 * no upload session; a temp file at most, which {@link BackupStorage#sweep} removes).
 *
 * <p>Not thread-safe: one thread writes, then commits or closes.
 */
public interface ObjectWrite extends Closeable {
    /** Where to write the content. Do not close it; call {@link #commit()} or {@link #close()}. */
    OutputStream stream();

    /**
     * Flushes, makes the object durable, and publishes it atomically under its name, replacing an
     * existing object of that name.
     *
     * @return the stored object (size = bytes written)
     * @throws io.backupkit.backup.UnableToStoreException when publishing failed; nothing is visible
     */
    StoredObject commit() throws IOException;

    /** Aborts the write unless it was committed. Idempotent; never throws for an abort. */
    @Override
    void close();
}
