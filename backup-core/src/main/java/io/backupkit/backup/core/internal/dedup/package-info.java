/**
 * Internal: the {@code dedup} backup format. Dumps and media files are cut into content-defined
 * chunks ({@link io.backupkit.backup.core.internal.dedup.FastCdc}), each stored once, zstd-compressed, in pack
 * objects of about 16 MiB; index objects say which chunk lies where; each backup's artifacts are
 * the list of its dump's chunks and the tree of its media folder, committed by its manifest as in
 * the archive format. Not API.
 */
package io.backupkit.backup.core.internal.dedup;
