package io.backupkit.backup;

/**
 * What the manifest says about the media part of a backup.
 *
 * @param fileCount regular files archived
 * @param directoryCount folders archived
 * @param totalBytes bytes of file content archived
 * @param skipped entries left out (links, sockets, ...), as relative paths; at most a few hundred are kept
 */
public record MediaInfo(long fileCount, long directoryCount, long totalBytes, java.util.List<String> skipped) {
    /** Copies {@code skipped}; {@code null} means none skipped. */
    public MediaInfo {
        skipped = skipped == null ? java.util.List.of() : java.util.List.copyOf(skipped);
    }
}
