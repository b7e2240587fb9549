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
        Duration duration) {
    public BackupInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(created, "created");
        labels = List.copyOf(labels);
        attributes = Map.copyOf(attributes);
        host = host == null ? HostInfo.UNKNOWN : host;
        artifacts = List.copyOf(artifacts);
        duration = duration == null ? Duration.ZERO : duration;
    }

    /** Bytes stored for this backup (artifacts only). */
    public long size() {
        return artifacts.stream().mapToLong(ArtifactInfo::size).sum();
    }

    public Optional<ArtifactInfo> artifact(String kind) {
        return artifacts.stream().filter(a -> a.kind().equals(kind)).findFirst();
    }

    public boolean hasLabel(String label) {
        return labels.contains(label);
    }
}
