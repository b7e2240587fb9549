package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults injected between the SDK and S3Proxy by a TCP relay: throttling and 5xx are retried with
 * a bounded backoff, 403 is not retried, and a read cut mid-way resumes where it broke.
 */
class S3RetryTest {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private FaultProxy proxy;
    private String bucket;

    @BeforeEach
    void startProxy() throws Exception {
        proxy = new FaultProxy(SERVER.port());
        bucket = SERVER.newBucket();
    }

    @AfterEach
    void stopProxy() throws Exception {
        proxy.close();
    }

    private S3Storage viaProxy(int maxAttempts) {
        return SERVER.storage(
                bucket, "retry", Map.of("endpoint", proxy.endpoint().toString(), "max_attempts", maxAttempts));
    }

    @Test
    void throttlingIsRetriedUntilItPasses() throws Exception {
        try (S3Storage storage = viaProxy(5)) {
            proxy.fail(2, 503, "SlowDown");
            assertThat(storage.list("")).isEmpty();
            assertThat(proxy.connections()).as("attempts").isEqualTo(3);
        }
    }

    @Test
    void serverErrorsAreRetriedABoundedNumberOfTimes() throws Exception {
        try (S3Storage storage = viaProxy(3)) {
            proxy.fail(-1, 500, "InternalError");
            long start = System.nanoTime();
            Throwable e = catchThrowable(() -> storage.list(""));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(e).isInstanceOf(UnableToStoreException.class).hasMessageContaining("HTTP 500");
            assertThat(((UnableToStoreException) e).isTransient()).isTrue();
            assertThat(proxy.connections()).as("attempts").isEqualTo(3);
        }
    }

    @Test
    void accessDeniedIsNotRetried() throws Exception {
        try (S3Storage storage = viaProxy(5)) {
            proxy.fail(-1, 403, "AccessDenied");
            Throwable e = catchThrowable(() -> storage.stat("x"));
            assertThat(e).isInstanceOf(UnableToStoreException.class).hasMessageContaining("access denied");
            assertThat(((UnableToStoreException) e).isTransient()).isFalse();
            assertThat(proxy.connections()).as("attempts").isEqualTo(1);
        }
    }

    @Test
    void aPartUploadFailingOnceIsRetriedAndTheObjectIsWhole() throws Exception {
        byte[] data = S3StorageTest.random(5 * 1024 * 1024 + 99, 3);
        try (S3Storage storage = viaProxy(5)) {
            proxy.fail(1, 503, "SlowDown"); // hits CreateMultipartUpload, the first request
            try (ObjectWrite w = storage.openWrite("retried.bin")) {
                w.stream().write(data);
                w.commit();
            }
        }
        try (S3Storage direct = SERVER.storage(bucket, "retry", Map.of());
                InputStream in = direct.openRead("retried.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void aReadCutMidwayResumesWhereItBroke() throws Exception {
        byte[] data = S3StorageTest.random(3 * 1024 * 1024, 4);
        try (S3Storage direct = SERVER.storage(bucket, "retry", Map.of())) {
            try (ObjectWrite w = direct.openWrite("cut.bin")) {
                w.stream().write(data);
                w.commit();
            }
        }
        try (S3Storage storage = viaProxy(3)) {
            proxy.cutNextResponseAfter(1024 * 1024);
            try (InputStream in = storage.openRead("cut.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            assertThat(proxy.connections())
                    .as("the first GET was cut, a second one resumed")
                    .isEqualTo(2);
        }
    }
}
