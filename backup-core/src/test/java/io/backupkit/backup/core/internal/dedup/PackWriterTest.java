package io.backupkit.backup.core.internal.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.core.storage.FilesystemStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packs written by their own threads on real filesystem storage: every blob where the index says, nothing else. */
class PackWriterTest {
    @TempDir
    Path dir;

    @Test
    void blobsLandWhereTheEntriesSayAcrossSeveralPacksWrittenInParallel() throws Exception {
        PackWriter packs = new PackWriter(new FilesystemStorage(dir), Keys.NONE);
        Map<ChunkId, byte[]> blobs = new HashMap<>();
        Random random = new Random(1);
        long total = 0;
        while (total < 3 * PackWriter.TARGET + 12345) { // three full packs and a partial one
            byte[] blob = new byte[1 + random.nextInt(PackWriter.QUEUED * 2)]; // some larger than the queue
            random.nextBytes(blob);
            ChunkId id = ChunkId.of(blob, 0, blob.length);
            blobs.put(id, blob);
            packs.add(id, blob, blob.length);
            total += blob.length;
        }
        List<IndexFile.Entry> entries = packs.finish();

        assertThat(entries).hasSize(blobs.size());
        assertThat(packs.committedPacks()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(packs.bytes()).isEqualTo(total);
        for (IndexFile.Entry e : entries) {
            byte[] pack = Files.readAllBytes(dir.resolve(e.location().pack()));
            int at = (int) e.location().offset();
            assertThat(Arrays.copyOfRange(pack, at, at + e.location().length())).isEqualTo(blobs.get(e.id()));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .containsExactlyInAnyOrderElementsOf(packs.committedPacks());
        }
    }

    @Test
    void abortLeavesOnlyTheCommittedPacks() throws Exception {
        PackWriter packs = new PackWriter(new FilesystemStorage(dir), Keys.NONE);
        byte[] blob = new byte[1 << 20];
        new Random(2).nextBytes(blob);
        for (int i = 0; i < 20; i++) { // one full pack, one open
            blob[0] = (byte) i;
            packs.add(ChunkId.of(blob, 0, blob.length), blob.clone(), blob.length);
        }
        packs.abort();
        assertThat(packs.committedPacks()).hasSize(1);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.filter(p -> !p.getFileName().toString().startsWith("."))
                            .map(p -> p.getFileName().toString()))
                    .containsExactlyElementsOf(packs.committedPacks());
        }
    }
}
