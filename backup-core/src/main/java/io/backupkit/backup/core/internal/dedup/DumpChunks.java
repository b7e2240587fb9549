package io.backupkit.backup.core.internal.dedup;

import java.util.Arrays;

/** The chunks of one dump in order, held compactly (36 bytes a chunk) so that a restore can stream them. */
public final class DumpChunks {
    private byte[] ids = new byte[ChunkId.LENGTH * 256];
    private int[] lengths = new int[256];
    private int count;
    private long size;

    DumpChunks() {}

    void add(ChunkRef ref) {
        if (count == lengths.length) {
            lengths = Arrays.copyOf(lengths, count * 2);
            ids = Arrays.copyOf(ids, ids.length * 2);
        }
        System.arraycopy(ref.id().bytes(), 0, ids, count * ChunkId.LENGTH, ChunkId.LENGTH);
        lengths[count++] = ref.length();
        size += ref.length();
    }

    int count() {
        return count;
    }

    ChunkRef get(int i) {
        return new ChunkRef(id(i), lengths[i]);
    }

    ChunkId id(int i) {
        return new ChunkId(Arrays.copyOfRange(ids, i * ChunkId.LENGTH, (i + 1) * ChunkId.LENGTH));
    }

    /** Where chunk {@code i} is stored, looked up without copying its id. */
    java.util.Optional<Location> find(ChunkIndex index, int i) {
        return index.find(ids, i * ChunkId.LENGTH);
    }

    int length(int i) {
        return lengths[i];
    }

    /** The dump's length in bytes. */
    public long size() {
        return size;
    }
}
