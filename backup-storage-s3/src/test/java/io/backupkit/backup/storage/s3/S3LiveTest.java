package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import io.backupkit.backup.spi.StoredObject;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Against real Amazon S3, only when {@code S3_LIVE_BUCKET} is set (with the standard AWS
 * credentials in the environment: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code
 * AWS_REGION}, or a profile). Never in CI. Uses a fresh prefix and removes what it wrote.
 */
class S3LiveTest {
    @Test
    void roundTripOnRealS3() throws Exception {
        String bucket = System.getenv("S3_LIVE_BUCKET");
        assumeTrue(bucket != null && !bucket.isBlank(), "S3_LIVE_BUCKET is not set: no live S3 test");
        assumeTrue(!"true".equalsIgnoreCase(System.getenv("CI")), "live S3 tests never run in CI");

        Map<String, Object> options = new HashMap<>();
        options.put("bucket", bucket);
        String region = System.getenv("AWS_REGION");
        if (region != null && !region.isBlank()) {
            options.put("region", region);
        }
        String prefix = "backupkit-live-test/" + UUID.randomUUID();
        try (S3Storage storage = (S3Storage) new S3StorageProvider()
                .create(new StorageConfig(prefix, new ProviderOptions("backup_options", options)))) {
            try {
                byte[] data = S3StorageTest.random(11 * 1024 * 1024 + 17, 42); // two 8 MiB parts
                StoredObject committed;
                try (ObjectWrite w = storage.openWrite("live.bin")) {
                    w.stream().write(data);
                    committed = w.commit();
                }
                assertThat(storage.stat("live.bin"))
                        .get()
                        .extracting(StoredObject::size)
                        .isEqualTo((long) data.length);
                try (InputStream in = storage.openRead("live.bin", 1000)) {
                    assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1000, data.length));
                }
                try (ObjectWrite w = storage.openWrite("aborted.bin")) {
                    w.stream().write(data);
                }
                assertThat(storage.stat("aborted.bin")).isEmpty();
                assertThat(storage.createIfAbsent("lease", new byte[] {1})).isTrue();
                assertThat(storage.createIfAbsent("lease", new byte[] {2})).isFalse();
                assertThat(storage.deleteIfUnchanged(storage.stat("lease").orElseThrow()))
                        .isTrue();
                assertThat(storage.list("")).extracting(StoredObject::name).containsExactly("live.bin");
                assertThat(committed.version()).isNotBlank();
                assertThat(storage.sweep(Duration.ZERO, Instant.now().plusSeconds(60), true))
                        .isEmpty();
            } finally {
                for (StoredObject o : storage.list("")) {
                    storage.delete(o.name());
                }
                storage.sweep(Duration.ZERO, Instant.now().plusSeconds(60), false);
            }
        }
    }
}
