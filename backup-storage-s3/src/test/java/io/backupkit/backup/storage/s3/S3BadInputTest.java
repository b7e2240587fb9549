package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.tck.Providers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad configuration and bad surroundings: typed errors that name the option or the cause, quickly
 * (no retry storm), never with a secret in the message.
 */
class S3BadInputTest {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static final Duration QUICK = Duration.ofSeconds(5);

    @Test
    void providerIsFoundById() {
        assertThat(Providers.storage("s3")).isInstanceOf(S3StorageProvider.class);
    }

    @Test
    void missingBucketNamesTheOption() {
        Map<String, Object> o = SERVER.options("x");
        o.remove("bucket");
        assertThatThrownBy(() -> new S3StorageProvider().create(SERVER.config("p", o)))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.bucket")
                .satisfies(e ->
                        assertThat(((BackupConfigurationException) e).key()).contains("backup_options.bucket"));
    }

    @Test
    void unknownOptionIsNamed() {
        Map<String, Object> o = SERVER.options("x");
        o.put("secret_kye", "typo");
        assertThatThrownBy(() -> new S3StorageProvider().create(SERVER.config("p", o)))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.secret_kye");
    }

    @Test
    void unknownBucketFailsFastNamingTheBucket() {
        try (BackupStorage storage = SERVER.storage("no-such-bucket-here", "p", Map.of())) {
            assertFailsQuickly(
                    () -> storage.list(""), "no-such-bucket-here", "does not exist", "backup_options.bucket");
            assertFailsQuickly(
                    () -> {
                        try (ObjectWrite w = storage.openWrite("x")) {
                            w.stream().write(1);
                            w.commit();
                        }
                    },
                    "no-such-bucket-here",
                    "does not exist");
            assertFailsQuickly(() -> storage.createIfAbsent("lease", new byte[] {1}), "does not exist");
        }
    }

    @Test
    void wrongSecretKeyFailsFastAsWrongCredentials() {
        String wrong = "definitely-not-the-secret-4711";
        try (BackupStorage storage = SERVER.storage(SERVER.newBucket(), "p", Map.of("secret_key", wrong))) {
            UnableToStoreException e = assertFailsQuickly(() -> storage.list(""), "wrong credentials");
            assertThat(fullText(e)).doesNotContain(wrong, S3ProxyServer.SECRET_KEY);
            assertFailsQuickly(
                    () -> {
                        try (ObjectWrite w = storage.openWrite("x")) {
                            w.stream().write(1);
                            w.commit();
                        }
                    },
                    "wrong credentials");
        }
    }

    @Test
    void unknownAccessKeyFailsFastAsWrongCredentials() {
        try (BackupStorage storage =
                SERVER.storage(SERVER.newBucket(), "p", Map.of("access_key", "AKIAUNKNOWN0000000"))) {
            UnableToStoreException e = assertFailsQuickly(() -> storage.list(""), "wrong credentials");
            assertThat(fullText(e)).doesNotContain(S3ProxyServer.SECRET_KEY);
        }
    }

    @Test
    void unreachableEndpointFailsQuicklyAsTransient() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Map<String, Object> o = new HashMap<>(Map.of("endpoint", "http://127.0.0.1:" + closedPort));
        try (BackupStorage storage = SERVER.storage("bucket-b", "p", o)) {
            UnableToStoreException e =
                    assertFailsQuickly(() -> storage.list(""), "unreachable", "127.0.0.1:" + closedPort);
            assertThat(e.isTransient()).isTrue();
            assertThat(fullText(e)).doesNotContain(S3ProxyServer.SECRET_KEY);
            assertFailsQuickly(() -> storage.stat("x"), "unreachable");
            assertFailsQuickly(
                    () -> {
                        try (ObjectWrite w = storage.openWrite("x")) {
                            w.stream().write(new byte[10]);
                            w.commit();
                        }
                    },
                    "unreachable");
        }
    }

    @Test
    void describeAndToStringShowNoCredentials() {
        Map<String, Object> extra = Map.of("session_token", "token-value-0123456789");
        try (S3Storage storage = SERVER.storage("bucket-a", "/some//prefix", extra)) {
            assertThat(storage.describe()).isEqualTo("s3://bucket-a/some/prefix/");
            String text = storage + " " + storage.settings();
            assertThat(text)
                    .doesNotContain(S3ProxyServer.SECRET_KEY, S3ProxyServer.ACCESS_KEY, "token-value-0123456789");
        }
    }

    private static UnableToStoreException assertFailsQuickly(ThrowingCallable call, String... fragments) {
        long start = System.nanoTime();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(thrown).isInstanceOf(UnableToStoreException.class);
        for (String f : fragments) {
            assertThat(thrown).hasMessageContaining(f);
        }
        assertThat(took).as("time to fail").isLessThan(QUICK);
        assertThat(fullText(thrown)).doesNotContain(S3ProxyServer.SECRET_KEY);
        return (UnableToStoreException) thrown;
    }

    static String fullText(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
