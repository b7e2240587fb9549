package io.backupkit.backup;

import java.util.Locale;

/** How a storage location keeps its backups. A location holds backups of one format. */
public enum BackupFormat {
    /** Each backup a self-contained set: the native dump and a tar of the media folder (default). */
    ARCHIVE,
    /**
     * Content-defined chunks stored once in packs and shared by every backup that contains them; each
     * backup's manifest names the chunks of its dump and its media files.
     */
    DEDUP;

    /** The lowercase name used in configuration and manifests. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code archive} or {@code dedup} (any case). */
    public static BackupFormat parse(String text) {
        for (BackupFormat f : values()) {
            if (f.id().equalsIgnoreCase(text.trim())) {
                return f;
            }
        }
        throw new BackupConfigurationException(
                "backup_format", "unknown backup format '" + text + "': use archive or dedup");
    }
}
