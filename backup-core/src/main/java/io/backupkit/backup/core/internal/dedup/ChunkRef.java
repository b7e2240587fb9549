package io.backupkit.backup.core.internal.dedup;

/** One chunk of a stream or file, in order: its id and plaintext length. */
record ChunkRef(ChunkId id, int length) {}
