package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.backupkit.backup.spi.ObjectWrite;
import java.io.InputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

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
    private static final List<String> WATCHED = List.of("io.backupkit.backup.storage.s3", "software.amazon.awssdk");

    private static final String SDK_SIGNER = "software.amazon.awssdk.http.auth.aws.internal.signer";

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<String, Level> saved = new HashMap<>();

    @BeforeEach
    void capture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender.setContext(context);
        appender.start();
        for (String name : WATCHED) {
            Logger logger = context.getLogger(name);
            saved.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
            logger.addAppender(appender);
        }
    }

    @AfterEach
    void restore() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : WATCHED) {
            Logger logger = context.getLogger(name);
            logger.detachAppender(appender);
            logger.setLevel(saved.get(name));
        }
        appender.stop();
    }

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

        assertThat(appender.list).as("captured DEBUG events").hasSizeGreaterThan(20);
        assertThat(appender.list)
                .anySatisfy(e -> assertThat(e.getLoggerName()).startsWith("io.backupkit.backup.storage.s3"));
        for (ILoggingEvent event : appender.list) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(text)
                    .as("log event of %s", event.getLoggerName())
                    .doesNotContain(S3ProxyServer.SECRET_KEY, "wrong-secret-Qq1Ww2Ee3");
            // Known SDK behaviour: its SigV4 signer logs the canonical request at DEBUG, and that
            // includes the x-amz-security-token header. Everything else must not show the token.
            if (!event.getLoggerName().startsWith(SDK_SIGNER)) {
                assertThat(text).as("log event of %s", event.getLoggerName()).doesNotContain(TOKEN);
            }
        }
    }
}
