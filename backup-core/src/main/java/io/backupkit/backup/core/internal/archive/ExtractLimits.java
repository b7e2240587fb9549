package io.backupkit.backup.core.internal.archive;

/**
 * Bounds a {@link MediaExtractor} enforces before it writes an entry; an archive that exceeds one is refused
 * with {@link io.backupkit.backup.UnsafeArchiveException}. When the manifest is trusted (its digest was
 * verified), tighter limits can be derived from it, e.g. {@code maxTotalBytes = media.totalBytes}.
 *
 * @param maxEntries files and folders in the archive
 * @param maxTotalBytes file content bytes in all entries together
 * @param maxEntryBytes content bytes of one file
 * @param maxPathLength characters of one entry name
 * @param maxDepth path segments of one entry name
 */
public record ExtractLimits(long maxEntries, long maxTotalBytes, long maxEntryBytes, int maxPathLength, int maxDepth) {
    /** Validates that every limit is positive. */
    public ExtractLimits {
        if (maxEntries <= 0 || maxTotalBytes < 0 || maxEntryBytes < 0 || maxPathLength <= 0 || maxDepth <= 0) {
            throw new IllegalArgumentException("Extract limits must be positive: " + maxEntries + ", " + maxTotalBytes
                    + ", " + maxEntryBytes + ", " + maxPathLength + ", " + maxDepth);
        }
    }

    /**
     * Generous limits for real media folders: 10 million entries, 16 TiB in total, 1 TiB per file, 4096
     * characters per name and 256 levels.
     */
    public static ExtractLimits defaults() {
        return new ExtractLimits(10_000_000L, 16L << 40, 1L << 40, 4096, 256);
    }
}
