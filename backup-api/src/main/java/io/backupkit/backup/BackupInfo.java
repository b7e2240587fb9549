package io.backupkit.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete backup as its manifest describes it. Listing, "latest", retention and restore read
 * these, never object names.
 *
 * @param formatVersion manifest format version
 * @param id the backup id
 * @param created when the backup started (UTC)
 * @param labels {@code manual}, {@code daily}, {@code pre-upgrade}, {@code pre-restore} or user text
 * @param attributes free key/value pairs (e.g. {@code from-version}, {@code to-version})
 * @param host the host application
 * @param libraryVersion the version of this library that wrote it
 * @param database the database part, or {@code null} when it was skipped
 * @param media the media part, or {@code null} when it was skipped
 * @param artifacts the stored objects, database first
 * @param duration how long the backup took
 * @param seal the manifest's seal: {@code sha256:<hex>} of its content, or {@code
 *     hmac-sha256:<hex>} keyed by the seal key inside the encrypted artifacts; {@code null} before
 *     it is sealed and in format 1 manifests
 */
public record BackupInfo(
        int formatVersion,
        BackupId id,
        Instant created,
        List<String> labels,
        Map<String, String> attributes,
        HostInfo host,
        String libraryVersion,
        DatabaseInfo database,
        MediaInfo media,
        List<ArtifactInfo> artifacts,
        Duration duration,
        String seal) {
    /** Copies the collections; a missing host is {@link HostInfo#UNKNOWN}, a missing duration zero. */
    public BackupInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(created, "created");
        labels = List.copyOf(labels);
        attributes = Map.copyOf(attributes);
        host = host == null ? HostInfo.UNKNOWN : host;
        artifacts = List.copyOf(artifacts);
        duration = duration == null ? Duration.ZERO : duration;
    }

    /** A backup not sealed yet. */
    public BackupInfo(
            int formatVersion,
            BackupId id,
            Instant created,
            List<String> labels,
            Map<String, String> attributes,
            HostInfo host,
            String libraryVersion,
            DatabaseInfo database,
            MediaInfo media,
            List<ArtifactInfo> artifacts,
            Duration duration) {
        this(
                formatVersion,
                id,
                created,
                labels,
                attributes,
                host,
                libraryVersion,
                database,
                media,
                artifacts,
                duration,
                null);
    }

    /** The same backup with another seal. */
    public BackupInfo withSeal(String seal) {
        return new BackupInfo(
                formatVersion,
                id,
                created,
                labels,
                attributes,
                host,
                libraryVersion,
                database,
                media,
                artifacts,
                duration,
                seal);
    }

    /** Whether any artifact is encrypted. */
    public boolean encrypted() {
        return artifacts.stream().anyMatch(ArtifactInfo::encrypted);
    }

    /** Bytes stored for this backup (artifacts only). */
    public long size() {
        return artifacts.stream().mapToLong(ArtifactInfo::size).sum();
    }

    /**
     * The artifact of {@code kind} ({@link ArtifactInfo#DATABASE} or {@link ArtifactInfo#MEDIA}), if the
     * backup has one.
     */
    public Optional<ArtifactInfo> artifact(String kind) {
        return artifacts.stream().filter(a -> a.kind().equals(kind)).findFirst();
    }

    /** Whether the backup carries {@code label}. */
    public boolean hasLabel(String label) {
        return labels.contains(label);
    }
}
