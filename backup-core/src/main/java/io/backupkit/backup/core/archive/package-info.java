/**
 * Internal: the media archive of a backup. {@link io.backupkit.backup.core.archive.MediaArchiver} streams the
 * media folder as a POSIX/PAX tar (regular files and folders only, sorted, nothing followed through links);
 * {@link io.backupkit.backup.core.archive.MediaExtractor} extracts such a tar into a fresh folder and refuses
 * hostile entries (escaping names, links, devices, FIFOs, duplicates, size bombs) before writing them.
 *
 * <p>Not API: the engine uses these classes; host applications go through {@code BackupManager}.
 */
package io.backupkit.backup.core.archive;
