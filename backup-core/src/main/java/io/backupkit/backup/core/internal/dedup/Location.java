package io.backupkit.backup.core.internal.dedup;

/**
 * Where a stored chunk lies.
 *
 * @param pack the pack object's name
 * @param offset where its blob starts in the pack
 * @param length the blob's length
 * @param rawLength the chunk's plaintext length
 */
record Location(String pack, long offset, int length, int rawLength) {}
