package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;

/** Shared test helpers: a storage on the fake with small chunks and fast retries. */
final class TestDropbox {
    static final String TOKEN = "sl.test-access-token-7f3a9c";
    /** Small chunks (not a multiple of 4 MiB: the fake accepts any size) so objects span several. */
    static final int CHUNK = 64 * 1024;

    private TestDropbox() {}

    static FakeDropboxServer fake() throws IOException {
        return new FakeDropboxServer().acceptToken(TOKEN);
    }

    static DropboxSettings settings(String folder) {
        return DropboxSettings.of(folder, Secret.of(TOKEN), null, null, null)
                .withChunkSize(CHUNK)
                .withRetries(4, Duration.ofMillis(5), Duration.ofMillis(50));
    }

    static DropboxStorage storage(FakeDropboxServer fake, DropboxSettings settings) {
        return new DropboxStorage(settings, new LocalDropboxRequestor(fake.port()));
    }

    static DropboxStorage storage(FakeDropboxServer fake, String folder) {
        return storage(fake, settings(folder));
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes in uneven pieces, then commits. */
    static StoredObject put(DropboxStorage storage, String name, byte[] content) throws IOException {
        try (ObjectWrite w = storage.openWrite(name)) {
            int pos = 0;
            int step = 1;
            while (pos < content.length) {
                int n = Math.min(step, content.length - pos);
                w.stream().write(content, pos, n);
                pos += n;
                step = step * 3 + 7;
                if (step > 40_000) {
                    step = 1;
                }
            }
            return w.commit();
        }
    }

    static byte[] read(DropboxStorage storage, String name, long offset) throws IOException {
        try (InputStream in = storage.openRead(name, offset)) {
            return in.readAllBytes();
        }
    }
}
