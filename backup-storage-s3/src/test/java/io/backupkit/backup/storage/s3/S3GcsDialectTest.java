package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import io.backupkit.backup.spi.StoredObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Google Cloud Storage's XML API ignores {@code If-None-Match} and {@code If-Match} on writes and
 * deletes: with {@code gcs} (automatic for storage.googleapis.com) the lease uses GCS's generation
 * preconditions, and the SDK's CRC trailers are off. Checked against {@link GcsXmlFake}, which
 * behaves like GCS for these requests.
 */
class S3GcsDialectTest {
    private GcsXmlFake gcs;

    @BeforeEach
    void start() throws Exception {
        gcs = new GcsXmlFake();
    }

    @AfterEach
    void stop() {
        gcs.close();
    }

    private static S3Settings settings(Map<String, Object> options) {
        Map<String, Object> o = new HashMap<>(options);
        o.putIfAbsent("bucket", "backups");
        o.putIfAbsent("access_key", "GOOG1EXAMPLE");
        o.putIfAbsent("secret_key", "hmac-secret");
        return S3Settings.from(new StorageConfig("app", new ProviderOptions("backup_options", o)));
    }

    private S3Storage storage(boolean gcsDialect) {
        return storage(Map.of("gcs", gcsDialect));
    }

    private S3Storage storage(Map<String, Object> extra) {
        Map<String, Object> o = new HashMap<>(extra);
        o.put("endpoint", gcs.endpoint().toString());
        o.put("region", "auto");
        return new S3Storage(settings(o));
    }

    @Test
    void theGcsEndpointTurnsOnGenerationPreconditionsAndChecksumsWhenRequired() {
        S3Settings google = settings(Map.of("endpoint", "https://storage.googleapis.com", "region", "auto"));
        assertThat(google.gcs()).isTrue();
        assertThat(google.checksumWhenRequired()).isTrue();
        assertThat(google.pathStyle()).isTrue();
        assertThat(settings(Map.of("endpoint", "https://backups.storage.googleapis.com"))
                        .gcs())
                .isTrue();

        S3Settings minio = settings(Map.of("endpoint", "https://minio.example:9000"));
        assertThat(minio.gcs()).isFalse();
        assertThat(minio.checksumWhenRequired()).isFalse();
        assertThat(settings(Map.of()).gcs()).isFalse();

        // explicit settings win: a GCS behind a proxy name, or checksums forced on
        assertThat(settings(Map.of("endpoint", "https://gcs-proxy.internal", "gcs", true))
                        .gcs())
                .isTrue();
        assertThat(settings(Map.of("endpoint", "https://storage.googleapis.com", "checksum", "when_supported"))
                        .checksumWhenRequired())
                .isFalse();
    }

    @Test
    void withoutTheGcsDialectTheLeaseWouldNotBeExclusive() throws Exception {
        // why the option exists: GCS ignores If-None-Match, so both creates "win"
        try (S3Storage s = storage(Map.of("gcs", false, "checksum", "when_required"))) {
            assertThat(s.createIfAbsent("backup.lease", bytes("a"))).isTrue();
            assertThat(s.createIfAbsent("backup.lease", bytes("b"))).isTrue();
        }
    }

    @Test
    void withoutChecksumsWhenRequiredGcsRefusesTheSdksTrailers() throws Exception {
        try (S3Storage s = storage(false)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(
                            () -> s.createIfAbsent("backup.lease", bytes("a"))))
                    .hasMessageContaining("HTTP 400");
        }
    }

    @Test
    void createIfAbsentUsesGenerationZeroAndNeverOverwrites() throws Exception {
        try (S3Storage s = storage(true)) {
            assertThat(s.createIfAbsent("backup.lease", bytes("first"))).isTrue();
            assertThat(s.createIfAbsent("backup.lease", bytes("second"))).isFalse();
            assertThat(gcs.requests())
                    .allSatisfy(h -> assertThat(h).doesNotContainKeys("if-none-match", "x-amz-trailer"));
            assertThat(gcs.requests())
                    .filteredOn(h -> h.containsKey("x-goog-if-generation-match"))
                    .hasSize(2);
        }
    }

    @Test
    void createIfAbsentRacingThreadsExactlyOneWins() throws Exception {
        try (S3Storage s = storage(true)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Boolean>> tasks = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    byte[] content = bytes("holder-" + i);
                    tasks.add(() -> s.createIfAbsent("race.lease", content));
                }
                int winners = 0;
                for (Future<Boolean> f : pool.invokeAll(tasks)) {
                    winners += f.get() ? 1 : 0;
                }
                assertThat(winners).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void deleteIfUnchangedIsBoundToTheGenerationItSaw() throws Exception {
        try (S3Storage s = storage(true)) {
            assertThat(s.createIfAbsent("backup.lease", bytes("old"))).isTrue();
            StoredObject old = s.stat("backup.lease").orElseThrow();

            // replaced by another process (deleted and created again with other content)
            s.delete("backup.lease");
            assertThat(s.createIfAbsent("backup.lease", bytes("new"))).isTrue();
            assertThat(s.deleteIfUnchanged(old)).isFalse();
            assertThat(s.stat("backup.lease")).isPresent();

            StoredObject current = s.stat("backup.lease").orElseThrow();
            assertThat(s.deleteIfUnchanged(current)).isTrue();
            assertThat(s.stat("backup.lease")).isEmpty();
            assertThat(s.deleteIfUnchanged(current)).isFalse();
            assertThat(gcs.requests())
                    .filteredOn(h -> h.get(":method").contains("DELETE"))
                    .filteredOn(h -> !h.containsKey("x-goog-if-generation-match"))
                    .hasSize(1); // only the plain delete() above
            assertThat(gcs.requests()).allSatisfy(h -> assertThat(h).doesNotContainKey("if-match"));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
