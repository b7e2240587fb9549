package io.backupkit.backup;

import java.util.Locale;

/** How artifacts are compressed before they are (optionally) encrypted and stored. */
public enum Compression {
    /** Zstandard (default): fast, multi-threaded. */
    ZSTD("zst"),
    /** gzip, for tools that lack zstd. */
    GZIP("gz"),
    /** Stored as is. */
    NONE("");

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    /** The object-name suffix without the dot, empty for {@link #NONE}. */
    public String extension() {
        return extension;
    }

    /** The lowercase name used in configuration and manifests. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code zstd}, {@code gzip} or {@code none} (any case). */
    public static Compression parse(String text) {
        for (Compression c : values()) {
            if (c.id().equalsIgnoreCase(text.trim())) {
                return c;
            }
        }
        throw new BackupConfigurationException(
                "compression", "unknown compression '" + text + "': use zstd, gzip or none");
    }
}
