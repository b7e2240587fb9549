package io.backupkit.backup.core.internal.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChunkIndexTest {
    private final Random random = new Random(42);

    private ChunkId randomId() {
        byte[] b = new byte[ChunkId.LENGTH];
        random.nextBytes(b);
        return new ChunkId(b);
    }

    /** An id whose first eight bytes (what picks its slot) are {@code prefix}'s, the rest random. */
    private ChunkId sharing(ChunkId prefix) {
        byte[] b = randomId().bytes();
        System.arraycopy(prefix.bytes(), 0, b, 0, 8);
        return new ChunkId(b);
    }

    private static Location at(int i) {
        return new Location("dedup-pack-" + (i % 7), i * 100L + (1L << 33), i % 1000 + 1, i % 5000);
    }

    @Test
    void idsOnTheSameSlotAreTellApart() {
        ChunkIndex index = new ChunkIndex();
        ChunkId first = randomId();
        Map<ChunkId, Location> added = new LinkedHashMap<>();
        added.put(first, at(0));
        for (int i = 1; i < 50; i++) {
            added.put(sharing(first), at(i));
        }
        byte[] lastByte = first.bytes().clone();
        lastByte[31] ^= 1;
        added.put(new ChunkId(lastByte), at(50));
        added.forEach(index::add);

        assertThat(index.size()).isEqualTo(added.size());
        added.forEach((id, where) -> assertThat(index.find(id)).contains(where));
        ChunkId absent = sharing(first);
        assertThat(index.contains(absent)).isFalse();
        assertThat(index.find(absent)).isEmpty();
        assertThat(index.claim(absent)).isTrue();
        assertThat(index.size()).isEqualTo(added.size() + 1);
    }

    @Test
    void everyChunkIsFoundAfterTheTableAndThePagesGrow() {
        ChunkIndex index = new ChunkIndex();
        Map<ChunkId, Location> added = new LinkedHashMap<>();
        for (int i = 0; i < 100_000; i++) {
            ChunkId id = randomId();
            added.put(id, at(i));
            index.add(id, at(i));
        }
        assertThat(index.size()).isEqualTo(100_000);
        added.forEach((id, where) -> {
            assertThat(index.contains(id)).isTrue();
            assertThat(index.find(id)).contains(where);
            byte[] held = new byte[ChunkId.LENGTH + 3];
            System.arraycopy(id.bytes(), 0, held, 3, ChunkId.LENGTH);
            assertThat(index.find(held, 3)).contains(where);
        });
        for (int i = 0; i < 1000; i++) {
            assertThat(index.contains(randomId())).isFalse();
        }
    }

    @Test
    void aClaimedChunkIsKnownButNotFoundUntilItIsStored() {
        ChunkIndex index = new ChunkIndex();
        ChunkId id = randomId();
        assertThat(index.claim(id)).isTrue();
        assertThat(index.claim(id)).isFalse();
        assertThat(index.contains(id)).isTrue();
        assertThat(index.find(id)).isEmpty();

        index.add(id, at(1));
        assertThat(index.find(id)).contains(at(1));
        index.add(id, at(2)); // the place stored first wins
        assertThat(index.find(id)).contains(at(1));
        assertThat(index.claim(id)).isFalse();

        index.move(id, at(3));
        assertThat(index.find(id)).contains(at(3));
        ChunkId moved = randomId();
        index.move(moved, at(4)); // a chunk not known yet is added
        assertThat(index.find(moved)).contains(at(4));
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void iterationGivesTheStoredChunksInTheOrderAdded() {
        ChunkIndex index = new ChunkIndex();
        Map<ChunkId, Location> stored = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            ChunkId id = randomId();
            if (i % 10 == 3) {
                index.claim(id); // being stored: not given
            } else {
                index.add(id, at(i));
                stored.put(id, at(i));
            }
        }
        ChunkId first = stored.keySet().iterator().next();
        index.move(first, at(-1));
        stored.put(first, at(-1));

        List<Map.Entry<ChunkId, Location>> seen = new ArrayList<>();
        index.forEach((id, where) -> seen.add(Map.entry(id, where)));
        assertThat(seen).containsExactlyElementsOf(stored.entrySet());
        assertThat(seen.get(0).getValue().pack())
                .isSameAs(index.find(first).orElseThrow().pack());
    }

    @Test
    void concurrentClaimsGiveEachChunkToOneThread() throws Exception {
        ChunkIndex index = new ChunkIndex();
        List<ChunkId> ids = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            ids.add(randomId());
        }
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<ChunkId>>> claimed = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<ChunkId> order = new ArrayList<>(ids);
            Collections.shuffle(order, new Random(t));
            claimed.add(pool.submit(() -> {
                start.await();
                List<ChunkId> mine = new ArrayList<>();
                for (ChunkId id : order) {
                    if (index.claim(id)) {
                        mine.add(id);
                        index.add(id, at(mine.size()));
                    }
                }
                return mine;
            }));
        }
        start.countDown();
        List<ChunkId> all = new ArrayList<>();
        for (Future<List<ChunkId>> f : claimed) {
            all.addAll(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertThat(all).hasSize(ids.size()).doesNotHaveDuplicates();
        assertThat(index.size()).isEqualTo(ids.size());
        ids.forEach(id -> assertThat(index.find(id)).isPresent());
    }
}
