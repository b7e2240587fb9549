package io.backupkit.backup;

import java.util.List;

/**
 * What the manifest says about the media part of a backup.
 *
 * @param fileCount files, links and FIFOs archived
 * @param directoryCount folders archived
 * @param totalBytes bytes of file content in the archive
 * @param skipped what the archive could not hold (devices, sockets), each
 *     as "what: relative path"; a restore leaves such entries in place. At most a few hundred are listed
 * @param changed files that kept changing while they were archived (relative paths): the backup holds
 *     a copy that may be torn. At most a few hundred are listed
 */
public record MediaInfo(
        long fileCount, long directoryCount, long totalBytes, List<String> skipped, List<String> changed) {
    /** Copies the lists; {@code null} means none. */
    public MediaInfo {
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
        changed = changed == null ? List.of() : List.copyOf(changed);
    }

    /** Nothing changed while archived. */
    public MediaInfo(long fileCount, long directoryCount, long totalBytes, List<String> skipped) {
        this(fileCount, directoryCount, totalBytes, skipped, List.of());
    }
}
