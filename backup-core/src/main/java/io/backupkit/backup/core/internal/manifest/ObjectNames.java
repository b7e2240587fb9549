package io.backupkit.backup.core.internal.manifest;

import io.backupkit.backup.BackupId;
import io.backupkit.backup.Compression;
import java.util.Optional;

/**
 * Names of a backup set's objects. Only used to name new objects and to find manifests; listing,
 * retention and restore never parse artifact names, they read manifests.
 */
public final class ObjectNames {
    public static final String MANIFEST_SUFFIX = ".manifest.json";

    private ObjectNames() {}

    public static String manifest(BackupId id) {
        return id.value() + MANIFEST_SUFFIX;
    }

    public static String database(BackupId id, String format, Compression compression, String encryptionExt) {
        return id.value() + ".db." + format + suffix(compression, encryptionExt);
    }

    public static String media(BackupId id, Compression compression, String encryptionExt) {
        return id.value() + ".media.tar" + suffix(compression, encryptionExt);
    }

    /** The dedup format's database artifact: the dump's chunk list. */
    public static String dumpChunks(BackupId id, String format, Compression compression, String encryptionExt) {
        return database(id, format + ".chunks", compression, encryptionExt);
    }

    /** The dedup format's media artifact: the media folder's tree. */
    public static String mediaTree(BackupId id, Compression compression, String encryptionExt) {
        return id.value() + ".media.tree" + suffix(compression, encryptionExt);
    }

    private static String suffix(Compression compression, String encryptionExt) {
        String s = compression.extension().isEmpty() ? "" : "." + compression.extension();
        return encryptionExt == null ? s : s + "." + encryptionExt;
    }

    /** The backup id of a manifest object name, if it is one. */
    public static Optional<BackupId> manifestId(String objectName) {
        if (!objectName.endsWith(MANIFEST_SUFFIX)) {
            return Optional.empty();
        }
        String id = objectName.substring(0, objectName.length() - MANIFEST_SUFFIX.length());
        return BackupId.isValid(id) ? Optional.of(new BackupId(id)) : Optional.empty();
    }
}
