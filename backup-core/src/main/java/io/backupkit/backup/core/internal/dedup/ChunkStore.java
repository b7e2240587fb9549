package io.backupkit.backup.core.internal.dedup;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/** Stores chunks that the index does not know yet, into one part's pack writer. */
final class ChunkStore {
    private final ChunkIndex index;
    private final PackWriter packs;
    private final int level;
    private final Keys keys;
    private final AtomicLong newChunks = new AtomicLong();

    ChunkStore(ChunkIndex index, PackWriter packs, int level, Keys keys) {
        this.index = index;
        this.packs = packs;
        this.level = level;
        this.keys = keys;
    }

    /** Stores {@code buf[off, off + len)} unless a chunk of that id is stored; returns its id. */
    ChunkId put(byte[] buf, int off, int len) throws IOException {
        ChunkId id = keys.id(buf, off, len);
        if (index.claim(id)) {
            packs.add(id, len, () -> Blobs.encode(buf, off, len, level, id, keys));
            newChunks.incrementAndGet();
        }
        return id;
    }

    ChunkIndex index() {
        return index;
    }

    long newChunks() {
        return newChunks.get();
    }
}
