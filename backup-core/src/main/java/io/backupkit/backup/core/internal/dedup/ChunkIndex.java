package io.backupkit.backup.core.internal.dedup;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which chunk lies where, in memory: read from the index objects, added to by the packs a backup
 * writes. The dump and the media part share one index, so a chunk both contain is stored once.
 */
final class ChunkIndex {
    /** A chunk being written by this process: known, not yet at a place in a committed pack. */
    private static final Location PENDING = new Location("", -1, 0, 0);

    private final Map<ChunkId, Location> chunks = new ConcurrentHashMap<>();

    /** Records a stored chunk (an existing entry wins: either place holds the same bytes). */
    void add(ChunkId id, Location where) {
        chunks.merge(id, where, (old, now) -> old == PENDING ? now : old);
    }

    /** Replaces the place of a chunk (after a repack). */
    void move(ChunkId id, Location where) {
        chunks.put(id, where);
    }

    /** Claims a chunk not stored yet: true when the caller must store it. */
    boolean claim(ChunkId id) {
        return chunks.putIfAbsent(id, PENDING) == null;
    }

    /** Whether the chunk is stored or being stored. */
    boolean contains(ChunkId id) {
        return chunks.containsKey(id);
    }

    Optional<Location> find(ChunkId id) {
        Location l = chunks.get(id);
        return l == null || l == PENDING ? Optional.empty() : Optional.of(l);
    }

    int size() {
        return chunks.size();
    }

    Map<ChunkId, Location> entries() {
        return chunks;
    }
}
