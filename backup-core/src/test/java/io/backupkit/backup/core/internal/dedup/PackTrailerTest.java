package io.backupkit.backup.core.internal.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.core.storage.MemoryStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each pack ends in a table of its chunks, sealed when the location is encrypted; deep verify compares the index to it. */
class PackTrailerTest {
    private final MemoryStorage storage = new MemoryStorage("trailer-" + System.nanoTime());

    @Test
    void aPackListsItsOwnChunksAndAnEncryptedOneOnlyUnderItsKeys() throws IOException {
        for (Keys keys : List.of(Keys.NONE, Keys.of(Keys.generate()))) {
            List<IndexFile.Entry> written = writePack(keys, 3);
            StoredObject pack = storage.stat(written.get(0).location().pack()).orElseThrow();
            assertThat(PackTrailer.read(storage, pack, keys)).containsExactlyElementsOf(written);
            if (keys.encrypted()) {
                assertThatThrownBy(() -> PackTrailer.read(storage, pack, Keys.of(Keys.generate())))
                        .isInstanceOf(CorruptBackupException.class)
                        .hasMessageContaining(pack.name());
            }
        }
    }

    @Test
    void deepCheckNamesAnIndexEntryThePackDoesNotList() throws IOException {
        Repository repository = Repository.openOrCreate(storage, null);
        List<IndexFile.Entry> written = writePack(Keys.NONE, 2);
        repository.writeIndex(written);
        assertThat(IndexCheck.of(storage, null).problems()).isEmpty();

        IndexFile.Entry e = written.get(1);
        Location l = e.location();
        repository.writeIndex(
                List.of(new IndexFile.Entry(new ChunkId(new byte[ChunkId.LENGTH]), new Location(l.pack(), 1, 5, 5))));
        assertThat(IndexCheck.of(storage, null).problems()).singleElement().satisfies(p -> assertThat(p)
                .contains("the index disagrees with pack " + l.pack()));

        storage.delete(l.pack());
        assertThat(IndexCheck.of(storage, null).problems())
                .singleElement()
                .satisfies(p -> assertThat(p).contains(l.pack()).contains("is missing"));
    }

    @Test
    void aPackWithoutATableIsNamedAndKeptByPrune() throws IOException {
        Repository.openOrCreate(storage, null);
        byte[] bytes = new byte[1000];
        new Random(1).nextBytes(bytes);
        try (ObjectWrite w = storage.openWrite("dedup-pack-without-table")) {
            w.stream().write(bytes);
            w.commit();
        }
        List<String> warnings = new ArrayList<>();
        DedupPrune prune = DedupPrune.of(
                        storage,
                        null,
                        new BackupListener() {
                            @Override
                            public void warning(String message) {
                                warnings.add(message);
                            }
                        },
                        true)
                .orElseThrow();
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w)
                .contains("dedup-pack-without-table")
                .contains("it is kept"));
        assertThat(prune.sweep(Instant.now().plusSeconds(60), false)).isEmpty();
        assertThat(storage.stat("dedup-pack-without-table")).isPresent();
        assertThat(IndexCheck.of(storage, null).problems()).singleElement().satisfies(p -> assertThat(p)
                .contains("does not end in a table"));
    }

    private List<IndexFile.Entry> writePack(Keys keys, int chunks) throws IOException {
        PackWriter packs = new PackWriter(storage, keys);
        ChunkStore store = new ChunkStore(new ChunkIndex(), packs, 3, keys);
        Random random = new Random(chunks);
        for (int i = 0; i < chunks; i++) {
            byte[] data = new byte[10_000];
            random.nextBytes(data);
            store.put(data, 0, data.length);
        }
        return packs.finish();
    }
}
