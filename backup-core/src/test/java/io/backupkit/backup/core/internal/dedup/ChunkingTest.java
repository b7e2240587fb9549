package io.backupkit.backup.core.internal.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.core.storage.MemoryStorage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Content-defined chunking finds shifted content again; chunks and indexes are checked when read. */
class ChunkingTest {
    private final MemoryStorage storage = new MemoryStorage("chunking-" + System.nanoTime());

    @Test
    void chunksStayWithinTheirLimitsAndAverageNearTheTarget() throws IOException {
        byte[] data = random(8 << 20, 1);
        List<ChunkRef> chunks =
                chunk(data, new ChunkStore(new ChunkIndex(), new PackWriter(storage, Keys.NONE), 3, Keys.NONE));
        assertThat(chunks.stream().mapToLong(ChunkRef::length).sum()).isEqualTo(data.length);
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(chunks.get(i).length()).isBetween(FastCdc.DUMP.min(), FastCdc.DUMP.max());
        }
        double avg = (double) data.length / chunks.size();
        assertThat(avg).isBetween(FastCdc.DUMP.avg() * 0.6, FastCdc.DUMP.avg() * 1.6);
    }

    @Test
    void bytesInsertedEarlyDoNotChangeTheChunksAfterThem() throws IOException {
        byte[] data = random(4 << 20, 2);
        byte[] shifted = new byte[data.length + 100];
        System.arraycopy(data, 0, shifted, 0, 1000);
        System.arraycopy(random(100, 3), 0, shifted, 1000, 100); // 100 new bytes at offset 1000
        System.arraycopy(data, 1000, shifted, 1100, data.length - 1000);

        ChunkIndex index = new ChunkIndex();
        PackWriter packs = new PackWriter(storage, Keys.NONE);
        ChunkStore store = new ChunkStore(index, packs, 3, Keys.NONE);
        List<ChunkRef> first = chunk(data, store);
        long storedFirst = packs.bytes();
        List<ChunkRef> second = chunk(shifted, store);
        long added = packs.bytes() - storedFirst;

        long shared = second.stream().filter(first::contains).count();
        assertThat(shared).isGreaterThanOrEqualTo(second.size() - 3);
        assertThat(added).as("only the chunks around the insertion are new").isLessThan(4L * FastCdc.DUMP.max());
    }

    @Test
    void aStoredChunkReadsBackAndADamagedOneIsRefused() throws IOException {
        ChunkIndex index = new ChunkIndex();
        PackWriter packs = new PackWriter(storage, Keys.NONE);
        byte[] data = new byte[200_000];
        Arrays.fill(data, (byte) 'x'); // compressible
        List<ChunkRef> refs = chunk(data, new ChunkStore(index, packs, 3, Keys.NONE));
        for (IndexFile.Entry e : packs.finish()) {
            index.add(e.id(), e.location());
        }
        Repository.LoadedIndex loaded = new Repository.LoadedIndex(index, List.of(), List.of(), Keys.NONE);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (ChunkReader reader = new ChunkReader(storage, loaded, "test")) {
            for (ChunkRef r : refs) {
                reader.read(r, back::write);
            }
        }
        assertThat(back.toByteArray()).isEqualTo(data);

        ChunkRef first = refs.get(0);
        Location where = index.find(first.id()).orElseThrow();
        byte[] blob = Blobs.encode(data, 0, first.length(), 3, first.id(), Keys.NONE);
        blob[blob.length / 2] ^= 1;
        assertThatThrownBy(() -> Blobs.decode(blob, first.length(), first.id(), where.pack(), Keys.NONE))
                .isInstanceOf(CorruptBackupException.class)
                .hasMessageContaining(where.pack());
    }

    @Test
    void chunksOfEverySizeReadBackThroughTheReusedBuffers() throws IOException {
        // random and compressible stretches, chunked as media (up to 4 MiB), read back out of order
        byte[] data = random(12 << 20, 4);
        for (int off = 0; off < data.length; off += 3 << 20) {
            Arrays.fill(data, off, off + (1 << 20) + off / 7, (byte) off);
        }
        ChunkIndex index = new ChunkIndex();
        PackWriter packs = new PackWriter(storage, Keys.NONE);
        List<ChunkRef> refs = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        ChunkStore store = new ChunkStore(index, packs, 3, Keys.NONE);
        try (ChunkingOutputStream c = new ChunkingOutputStream(FastCdc.MEDIA, store, (id, len) -> {
            starts.add(refs.stream().mapToInt(ChunkRef::length).sum());
            refs.add(new ChunkRef(id, len));
        })) {
            c.write(data);
        }
        for (IndexFile.Entry e : packs.finish()) {
            index.add(e.id(), e.location());
        }
        assertThat(refs.size()).isGreaterThan(4);
        Repository.LoadedIndex loaded = new Repository.LoadedIndex(index, List.of(), List.of(), Keys.NONE);
        try (ChunkReader reader = new ChunkReader(storage, loaded, "test")) {
            for (int i : new int[] {0, refs.size() - 1, 1, refs.size() / 2, 0, refs.size() - 2, 2}) {
                ChunkRef ref = refs.get(i);
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                reader.read(ref, back::write);
                int from = starts.get(i);
                assertThat(back.toByteArray()).isEqualTo(Arrays.copyOfRange(data, from, from + ref.length()));
            }
        }
    }

    @Test
    void aTruncatedIndexIsDamagedNotShort() throws IOException {
        List<IndexFile.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            byte[] b = random(64, i);
            entries.add(new IndexFile.Entry(
                    ChunkId.of(b, 0, 64), new Location("dedup-pack-" + i % 3, i * 64L, 64 + i % 7, 64)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IndexFile.write(out, entries);
        byte[] whole = out.toByteArray();
        List<IndexFile.Entry> read = new ArrayList<>();
        IndexFile.read(
                new ByteArrayInputStream(whole), "dedup-index-a", (id, l) -> read.add(new IndexFile.Entry(id, l)));
        assertThat(read).isEqualTo(entries);

        for (int cut : new int[] {whole.length - 1, whole.length - 40, whole.length / 2, 10}) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            List<ChunkId> none = new ArrayList<>();
            assertThatThrownBy(() -> IndexFile.read(
                            new ByteArrayInputStream(truncated), "dedup-index-b", (id, l) -> none.add(id)))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining("dedup-index-b");
            assertThat(none).isEmpty();
        }
    }

    private static List<ChunkRef> chunk(byte[] data, ChunkStore store) throws IOException {
        List<ChunkRef> out = new ArrayList<>();
        try (ChunkingOutputStream c =
                new ChunkingOutputStream(FastCdc.DUMP, store, (id, len) -> out.add(new ChunkRef(id, len)))) {
            for (int off = 0; off < data.length; off += 70_000) {
                c.write(data, off, Math.min(70_000, data.length - off));
            }
        }
        return out;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
