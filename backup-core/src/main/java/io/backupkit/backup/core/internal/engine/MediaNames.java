package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CreateOptions;

/**
 * The manifest attribute that says a backup's media part holds names and link targets as the file
 * system's bytes (those that are not UTF-8 too). Backups made before have no such attribute: they
 * could not hold such names, so a restore of one leaves them in place rather than deleting them.
 */
final class MediaNames {
    /** The attribute's name and its one value. */
    static final String ATTRIBUTE = "media_names";

    static final String AS_BYTES = "bytes";

    private MediaNames() {}

    /** {@code options} with the attribute when the backup has a media part. */
    static CreateOptions mark(CreateOptions options, boolean withMedia) {
        return withMedia ? options.withAttribute(ATTRIBUTE, AS_BYTES) : options;
    }

    /** Whether {@code backup}'s media part holds names that are not UTF-8 as bytes. */
    static boolean holdsRawNames(BackupInfo backup) {
        return AS_BYTES.equals(backup.attributes().get(ATTRIBUTE));
    }
}
