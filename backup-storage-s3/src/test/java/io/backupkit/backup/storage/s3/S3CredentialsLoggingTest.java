package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.tck.LogCapture;
import java.io.InputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole session at DEBUG for this package and the AWS SDK (writes in parts, reads, lists, a
 * lease, a sweep, failures with wrong credentials and an unreachable endpoint): no secret key
 * appears in any log message or logged exception, and the session token in none but the SDK
 * signer's own DEBUG dump of the canonical request (a documented trap: keep
 * {@code software.amazon.awssdk} above DEBUG in production).
 */
class S3CredentialsLoggingTest {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static final String TOKEN = "session-token-Zx9Yw8Vu7Ts6";

    private static final String SDK_SIGNER = "software.amazon.awssdk.http.auth.aws.internal.signer";

    @RegisterExtension
    final LogCapture logs = new LogCapture("io.backupkit.backup.storage.s3", "software.amazon.awssdk");

    @Test
    void noSecretInDebugLogs() throws Exception {
        String bucket = SERVER.newBucket();
        try (S3Storage storage =
                SERVER.storage(bucket, "logged", Map.of("part_size", 5 * 1024 * 1024, "session_token", TOKEN))) {
            try (ObjectWrite w = storage.openWrite("multi.bin")) {
                w.stream().write(S3StorageTest.random(5 * 1024 * 1024 + 10, 1));
                w.commit();
            }
            try (ObjectWrite w = storage.openWrite("aborted.bin")) {
                w.stream().write(S3StorageTest.random(5 * 1024 * 1024 + 10, 2));
            }
            try (InputStream in = storage.openRead("multi.bin", 3)) {
                in.readNBytes(100);
            }
            storage.list("");
            storage.stat("multi.bin");
            storage.createIfAbsent("lease", new byte[] {1});
            storage.deleteIfUnchanged(storage.stat("lease").orElseThrow());
            storage.sweep(Duration.ZERO, Instant.now().plusSeconds(3600), false);
        }
        Map<String, Object> wrong = new HashMap<>(Map.of("secret_key", "wrong-secret-Qq1Ww2Ee3")); // logged failure
        try (S3Storage storage = SERVER.storage(bucket, "logged", wrong)) {
            assertThat(catchThrowable(() -> storage.list(""))).isNotNull();
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (S3Storage storage = SERVER.storage(
                bucket, "logged", Map.of("endpoint", "http://127.0.0.1:" + closedPort, "max_attempts", 2))) {
            try (ObjectWrite w = storage.openWrite("x")) {
                w.stream().write(1);
                assertThat(catchThrowable(w::commit)).isNotNull();
            }
        }

        assertThat(logs.events()).as("captured DEBUG events").hasSizeGreaterThan(20);
        assertThat(logs.events()).anySatisfy(e -> assertThat(e.logger()).startsWith("io.backupkit.backup.storage.s3"));
        for (LogCapture.Event event : logs.events()) {
            assertThat(event.text())
                    .as("log event of %s", event.logger())
                    .doesNotContain(S3ProxyServer.SECRET_KEY, "wrong-secret-Qq1Ww2Ee3");
            // Known SDK behaviour: its SigV4 signer logs the canonical request at DEBUG, and that
            // includes the x-amz-security-token header. Everything else must not show the token.
            if (!event.logger().startsWith(SDK_SIGNER)) {
                assertThat(event.text()).as("log event of %s", event.logger()).doesNotContain(TOKEN);
            }
        }
    }
}
