package io.backupkit.backup.core.internal.dedup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Which chunk lies where, in memory: read from the index objects, added to by the packs a backup
 * writes. The dump and the media part share one index, so a chunk both contain is stored once.
 *
 * <p>Held in primitive arrays (about 60 bytes a chunk, not one map entry and three objects), as a
 * restore at a small heap keeps it whole: entries sit in pages that never move, found through an
 * open-addressing table of entry numbers; pack names are numbered. Thread-safe: one lock, held for
 * one entry at a time.
 */
final class ChunkIndex {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int PAGE_BITS = 12;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int WORDS = ChunkId.LENGTH / Long.BYTES;
    /** The pack number of a chunk being written by this process: known, not yet at a place in a committed pack. */
    private static final int PENDING = -1;

    private long[][] ids = new long[0][];
    private int[][] packs = new int[0][];
    private long[][] offsets = new long[0][];
    private int[][] lengths = new int[0][];
    private int[][] rawLengths = new int[0][];
    private int count;
    /** Entry number + 1 by slot, 0 for an empty slot; a power of two long, at most three quarters full. */
    private int[] table = new int[16];

    private final List<String> packNames = new ArrayList<>();
    private final Map<String, Integer> packNumbers = new HashMap<>();

    /** Records a stored chunk (an existing entry wins: either place holds the same bytes). */
    synchronized void add(ChunkId id, Location where) {
        int e = entry(id.bytes(), 0);
        if (e < 0) {
            set(append(id.bytes(), 0), where);
        } else if (packs[e >>> PAGE_BITS][e & (PAGE - 1)] == PENDING) {
            set(e, where);
        }
    }

    /** Replaces the place of a chunk (after a repack). */
    synchronized void move(ChunkId id, Location where) {
        int e = entry(id.bytes(), 0);
        set(e < 0 ? append(id.bytes(), 0) : e, where);
    }

    /** Claims a chunk not stored yet: true when the caller must store it. */
    synchronized boolean claim(ChunkId id) {
        if (entry(id.bytes(), 0) >= 0) {
            return false;
        }
        int e = append(id.bytes(), 0);
        packs[e >>> PAGE_BITS][e & (PAGE - 1)] = PENDING;
        return true;
    }

    /** Whether the chunk is stored or being stored. */
    synchronized boolean contains(ChunkId id) {
        return entry(id.bytes(), 0) >= 0;
    }

    Optional<Location> find(ChunkId id) {
        return find(id.bytes(), 0);
    }

    /** {@link #find(ChunkId)} of the id held in {@code id[off, off + 32)}. */
    synchronized Optional<Location> find(byte[] id, int off) {
        int e = entry(id, off);
        return e < 0 ? Optional.empty() : Optional.ofNullable(location(e));
    }

    /** Chunks stored and being stored. */
    synchronized int size() {
        return count;
    }

    /**
     * Gives every stored chunk (not those being stored) and its place to {@code action}, in the order
     * they were first added. The lock is not held while {@code action} runs.
     */
    void forEach(BiConsumer<ChunkId, Location> action) {
        int n = size();
        for (int e = 0; e < n; e++) {
            ChunkId id;
            Location where;
            synchronized (this) {
                where = location(e);
                id = where == null ? null : id(e);
            }
            if (where != null) {
                action.accept(id, where);
            }
        }
    }

    /** The entry number of an id, or -1. */
    private int entry(byte[] id, int off) {
        long w0 = (long) LONGS.get(id, off);
        int mask = table.length - 1;
        for (int slot = slot(w0, mask); ; slot = (slot + 1) & mask) {
            int e = table[slot] - 1;
            if (e < 0) {
                return -1;
            }
            long[] page = ids[e >>> PAGE_BITS];
            int at = (e & (PAGE - 1)) * WORDS;
            if (page[at] == w0
                    && page[at + 1] == (long) LONGS.get(id, off + 8)
                    && page[at + 2] == (long) LONGS.get(id, off + 16)
                    && page[at + 3] == (long) LONGS.get(id, off + 24)) {
                return e;
            }
        }
    }

    /** Adds an id not in the table yet; returns its entry number (its place is left to the caller). */
    private int append(byte[] id, int off) {
        if ((count + 1) * 4L > table.length * 3L) {
            grow();
        }
        int e = count;
        int p = e >>> PAGE_BITS;
        if (p == ids.length) {
            ids = Arrays.copyOf(ids, p + 1);
            packs = Arrays.copyOf(packs, p + 1);
            offsets = Arrays.copyOf(offsets, p + 1);
            lengths = Arrays.copyOf(lengths, p + 1);
            rawLengths = Arrays.copyOf(rawLengths, p + 1);
            ids[p] = new long[PAGE * WORDS];
            packs[p] = new int[PAGE];
            offsets[p] = new long[PAGE];
            lengths[p] = new int[PAGE];
            rawLengths[p] = new int[PAGE];
        }
        int at = (e & (PAGE - 1)) * WORDS;
        for (int w = 0; w < WORDS; w++) {
            ids[p][at + w] = (long) LONGS.get(id, off + w * Long.BYTES);
        }
        count++;
        place(e);
        return e;
    }

    private void grow() {
        if (table.length >= 1 << 30) {
            throw new IllegalStateException("the chunk index holds " + count + " chunks, more than it can");
        }
        table = new int[table.length * 2];
        for (int e = 0; e < count; e++) {
            place(e);
        }
    }

    /** Puts entry {@code e} in the first free slot from its id's. */
    private void place(int e) {
        int mask = table.length - 1;
        int slot = slot(ids[e >>> PAGE_BITS][(e & (PAGE - 1)) * WORDS], mask);
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = e + 1;
    }

    /** The first slot of an id: its leading bytes, a hash already. */
    private static int slot(long w0, int mask) {
        return (int) (w0 ^ (w0 >>> 32)) & mask;
    }

    private void set(int e, Location where) {
        Integer n = packNumbers.get(where.pack());
        if (n == null) {
            n = packNames.size();
            packNames.add(where.pack());
            packNumbers.put(where.pack(), n);
        }
        int p = e >>> PAGE_BITS;
        int i = e & (PAGE - 1);
        packs[p][i] = n;
        offsets[p][i] = where.offset();
        lengths[p][i] = where.length();
        rawLengths[p][i] = where.rawLength();
    }

    /** Entry {@code e}'s place, null while it is being stored. */
    private Location location(int e) {
        int p = e >>> PAGE_BITS;
        int i = e & (PAGE - 1);
        int pack = packs[p][i];
        return pack == PENDING
                ? null
                : new Location(packNames.get(pack), offsets[p][i], lengths[p][i], rawLengths[p][i]);
    }

    private ChunkId id(int e) {
        byte[] id = new byte[ChunkId.LENGTH];
        int at = (e & (PAGE - 1)) * WORDS;
        for (int w = 0; w < WORDS; w++) {
            LONGS.set(id, w * Long.BYTES, ids[e >>> PAGE_BITS][at + w]);
        }
        return new ChunkId(id);
    }
}
