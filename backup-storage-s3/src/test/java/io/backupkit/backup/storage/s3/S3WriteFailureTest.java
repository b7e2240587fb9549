package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * A write that fails midway (closed without commit, an exception in the producer, the server gone)
 * leaves no object and no in-progress multipart upload. Each test has its own S3Proxy so one can
 * be stopped.
 */
@Timeout(120)
class S3WriteFailureTest {
    private static final int PART = 5 * 1024 * 1024;

    private final S3ProxyServer server = new S3ProxyServer();

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private S3Storage start(String bucketHolder[]) throws Exception {
        server.start();
        bucketHolder[0] = server.newBucket();
        return server.storage(bucketHolder[0], "failing", Map.of("part_size", PART, "max_attempts", 2));
    }

    private void assertNothingLeft(String bucket) {
        ListObjectsV2Response objects = server.admin().listObjectsV2(b -> b.bucket(bucket));
        assertThat(objects.contents()).as("objects").isEmpty();
        assertThat(server.uploads(bucket)).as("in-progress multipart uploads").isEmpty();
    }

    @Test
    void closeWithoutCommitAbortsTheMultipartUpload() throws Exception {
        String[] bucket = new String[1];
        try (S3Storage storage = start(bucket)) {
            ObjectWrite w = storage.openWrite("cancelled.bin");
            w.stream().write(S3StorageTest.random(PART + 100, 1));
            assertThat(((S3ObjectWrite) w).uploadId()).isNotNull();
            assertThat(server.uploads(bucket[0])).hasSize(1);
            w.close();
            w.close(); // idempotent
            assertNothingLeft(bucket[0]);
            assertThat(storage.pendingAborts()).isEmpty();
        }
    }

    @Test
    void exceptionMidWriteAbortsTheMultipartUpload() throws Exception {
        String[] bucket = new String[1];
        try (S3Storage storage = start(bucket)) {
            assertThatThrownBy(() -> {
                        try (ObjectWrite w = storage.openWrite("broken.bin")) {
                            w.stream().write(S3StorageTest.random(PART + 1, 2));
                            throw new IllegalStateException("the dump tool died");
                        }
                    })
                    .hasMessage("the dump tool died");
            assertNothingLeft(bucket[0]);
        }
    }

    @Test
    void serverStoppedMidUploadFailsCleanlyAndTheAbortIsRetried() throws Exception {
        String[] bucket = new String[1];
        try (S3Storage storage = start(bucket)) {
            ObjectWrite w = storage.openWrite("interrupted.bin");
            w.stream().write(S3StorageTest.random(PART, 3)); // part 1 submitted
            String uploadId = ((S3ObjectWrite) w).uploadId();
            assertThat(uploadId).isNotNull();
            awaitPartUploaded(bucket[0], "failing/interrupted.bin", uploadId);

            server.stop();
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                        w.stream().write(S3StorageTest.random(PART, 4)); // part 2: no server
                        w.commit();
                    })
                    .isInstanceOf(UnableToStoreException.class)
                    .hasMessageContaining("interrupted.bin")
                    .hasMessageContaining("unreachable")
                    .satisfies(e -> assertThat(((UnableToStoreException) e).isTransient())
                            .isTrue());
            w.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            // the abort could not reach the server: it is queued
            assertThat(storage.pendingAborts())
                    .extracting(S3Storage.PendingAbort::uploadId)
                    .containsExactly(uploadId);

            server.restart();
            assertThat(server.uploads(bucket[0]))
                    .as("left over while the server was down")
                    .hasSize(1);
            storage.list(""); // the next call retries the abort
            assertNothingLeft(bucket[0]);
            assertThat(storage.pendingAborts()).isEmpty();
        }
    }

    @Test
    void uploadOrphanedByADeadProcessIsSwept() throws Exception {
        String[] bucket = new String[1];
        try (S3Storage storage = start(bucket)) {
            ObjectWrite w = storage.openWrite("orphan.bin");
            w.stream().write(S3StorageTest.random(PART + 1, 5));
            // the process "dies": the write is never closed. Another process sweeps later.
            try (S3Storage other = server.storage(bucket[0], "failing", Map.of())) {
                assertThat(other.sweep(Duration.ofHours(1), Instant.now(), false))
                        .isEmpty();
                assertThat(other.sweep(Duration.ofHours(1), Instant.now().plus(Duration.ofHours(2)), false))
                        .singleElement()
                        .asString()
                        .contains("orphan.bin");
            }
            assertThat(server.uploads(bucket[0])).isEmpty();
            // the original writer then fails cleanly instead of publishing
            assertThatThrownBy(() -> {
                        w.stream().write(new byte[PART]);
                        w.commit();
                    })
                    .isInstanceOf(UnableToStoreException.class);
            w.close();
            assertNothingLeft(bucket[0]);
        }
    }

    private void awaitPartUploaded(String bucket, String key, String uploadId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.admin()
                .listParts(b -> b.bucket(bucket).key(key).uploadId(uploadId))
                .parts()
                .isEmpty()) {
            assertThat(System.nanoTime()).as("part 1 uploaded in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
