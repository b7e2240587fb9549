package io.backupkit.backup.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * An object in a storage.
 *
 * @param name the name relative to the storage location (no leading slash)
 * @param size bytes
 * @param modified when it was last written
 * @param version an opaque token that changes whenever the object is replaced (ETag, rev, ...),
 *     used for conditional deletes; may be {@code null} where the backend has none
 */
public record StoredObject(String name, long size, Instant modified, String version) {
    /** Requires the name and the modification time. */
    public StoredObject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modified, "modified");
    }
}
