package io.backupkit.backup;

import java.util.Objects;

/**
 * One stored object of a backup set, as the manifest records it.
 *
 * @param kind {@code database} or {@code media}
 * @param name object name in the storage
 * @param size bytes stored
 * @param sha256 lowercase hex SHA-256 of the stored bytes
 * @param compression how the content was compressed
 * @param encryption encryption provider id, or {@code null} when not encrypted
 * @param keyId the recipient key id or {@code passphrase}, or {@code null}
 */
public record ArtifactInfo(
        String kind, String name, long size, String sha256, Compression compression, String encryption, String keyId) {
    /** The {@code kind} of the database dump. */
    public static final String DATABASE = "database";
    /** The {@code kind} of the media archive. */
    public static final String MEDIA = "media";

    /** Requires kind, name, digest and compression, and a size of at least 0. */
    public ArtifactInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(compression, "compression");
        if (size < 0) {
            throw new IllegalArgumentException("size < 0");
        }
    }

    /** Whether the stored bytes are encrypted. */
    public boolean encrypted() {
        return encryption != null;
    }
}
