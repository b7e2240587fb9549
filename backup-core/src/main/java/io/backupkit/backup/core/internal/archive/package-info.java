/**
 * Internal: the media archive of a backup. {@link io.backupkit.backup.core.internal.archive.MediaArchiver} streams the
 * media folder as a POSIX/PAX tar (folders, files, links as links, hard links, FIFOs, names as their bytes, all
 * mode bits, nanosecond times; nothing followed through links); {@link
 * io.backupkit.backup.core.internal.archive.MediaExtractor} extracts such a tar into a fresh folder and refuses hostile
 * entries (escaping names, entries through links, hard links out of the archive, devices, duplicates, size
 * bombs) before writing them.
 *
 * <p>Not API: the engine uses these classes; host applications go through {@code BackupManager}.
 */
package io.backupkit.backup.core.internal.archive;
