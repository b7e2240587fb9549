package io.backupkit.backup.core.internal.dedup;

import com.github.luben.zstd.ZstdInputStream;
import io.backupkit.backup.core.storage.FilesystemStorage;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a dedup backup's dump and media tar the way a restore does, into nothing (benchmarks/dedup-gc.sh). */
public class RestoreProbe {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        String backup = a[1];
        long t0 = System.nanoTime();
        FilesystemStorage storage = new FilesystemStorage(dir);
        DedupReader reader = new DedupReader(storage, null);
        long t1 = System.nanoTime();
        DumpChunks chunks;
        try (InputStream in =
                new ZstdInputStream(Files.newInputStream(dir.resolve(backup + ".db.pgdump.chunks.zst")))) {
            chunks = reader.readDumpList(in, backup + ".db.pgdump.chunks");
        }
        long dump;
        try (DumpStream s = reader.openDump(chunks, backup)) {
            dump = s.transferTo(OutputStream.nullOutputStream());
            if (!s.whole()) throw new IllegalStateException("not whole");
        }
        long t2 = System.nanoTime();
        long[] media = {0};
        OutputStream count = new OutputStream() {
            public void write(int b) {
                media[0]++;
            }

            public void write(byte[] b, int o, int l) {
                media[0] += l;
            }
        };
        try (InputStream in = new ZstdInputStream(Files.newInputStream(dir.resolve(backup + ".media.tree.zst")))) {
            reader.writeMediaTar(in, backup + ".media.tree", backup, count);
        }
        long t3 = System.nanoTime();
        System.out.printf(
                "index %.2fs dump %d bytes %.2fs media tar %d bytes %.2fs%n",
                (t1 - t0) / 1e9, dump, (t2 - t1) / 1e9, media[0], (t3 - t2) / 1e9);
    }
}
