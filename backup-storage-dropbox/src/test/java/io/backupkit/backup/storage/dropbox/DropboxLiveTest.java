package io.backupkit.backup.storage.dropbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import io.backupkit.backup.spi.StoredObject;
import java.io.InputStream;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Against real Dropbox. Runs only when {@code DROPBOX_LIVE_REFRESH_TOKEN}, {@code
 * DROPBOX_LIVE_APP_KEY} and {@code DROPBOX_LIVE_APP_SECRET} are set (never in CI); writes about 9
 * MiB (two 4 MiB chunks and a tail) into a fresh folder under {@code /backupkit-live-test} and
 * deletes it.
 */
class DropboxLiveTest {
    @Test
    void roundTripAgainstRealDropbox() throws Exception {
        String refresh = System.getenv("DROPBOX_LIVE_REFRESH_TOKEN");
        String key = System.getenv("DROPBOX_LIVE_APP_KEY");
        String secret = System.getenv("DROPBOX_LIVE_APP_SECRET");
        assumeTrue(
                refresh != null && key != null && secret != null,
                "set DROPBOX_LIVE_REFRESH_TOKEN, DROPBOX_LIVE_APP_KEY and DROPBOX_LIVE_APP_SECRET to run against"
                        + " real Dropbox");
        String folder = "/backupkit-live-test/" + UUID.randomUUID();
        ProviderOptions options = new ProviderOptions(
                "backup_options",
                Map.of("refresh_token", refresh, "app_key", key, "app_secret", secret, "chunk_size", "4MiB"));
        byte[] content = new byte[9 * 1024 * 1024 + 123];
        new Random(1).nextBytes(content);
        try (BackupStorage storage = new DropboxStorageProvider().create(new StorageConfig(folder, options))) {
            try {
                StoredObject stored;
                try (ObjectWrite w = storage.openWrite("live.bin")) {
                    w.stream().write(content);
                    assertThat(storage.stat("live.bin")).isEmpty();
                    stored = w.commit();
                }
                assertThat(stored.size()).isEqualTo(content.length);
                try (InputStream in = storage.openRead("live.bin", 1000)) {
                    assertThat(in.readAllBytes())
                            .isEqualTo(java.util.Arrays.copyOfRange(content, 1000, content.length));
                }
                assertThat(storage.list("live")).extracting(StoredObject::name).containsExactly("live.bin");
                assertThat(storage.createIfAbsent("live.lock", new byte[] {1})).isTrue();
                assertThat(storage.createIfAbsent("live.lock", new byte[] {1})).isFalse();
                StoredObject lock = storage.stat("live.lock").orElseThrow();
                assertThat(storage.deleteIfUnchanged(lock)).isTrue();
            } finally {
                for (StoredObject o : storage.list("")) {
                    storage.delete(o.name());
                }
            }
        }
    }
}
