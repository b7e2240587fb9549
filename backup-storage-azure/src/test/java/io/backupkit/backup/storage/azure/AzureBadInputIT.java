package io.backupkit.backup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong key, a wrong SAS, a missing container and an unreachable endpoint fail fast with a typed
 * error that names the setting to fix and shows no secret; a SAS and a connection string that are
 * right work.
 */
class AzureBadInputIT {
    @RegisterExtension
    static final AzuriteServer AZURITE = new AzuriteServer();

    @TempDir
    Path tmp;

    @Test
    void aWrongKeyNamesKeyFileAtOnce() throws Exception {
        byte[] wrong = new byte[64];
        new Random(1).nextBytes(wrong);
        String wrongKey = Base64.getEncoder().encodeToString(wrong);
        Path keyFile = secretFile("wrong.key", wrongKey);
        try (AzureStorage storage =
                AZURITE.storage(AZURITE.newContainer(), "app", Map.of("key_file", keyFile.toString()))) {
            UnableToStoreException e = fails(() -> storage.list(""), Duration.ofSeconds(5));
            assertThat(e.getMessage()).contains("credentials were refused").contains("backup_options.key_file");
            assertThat(e.isTransient()).isFalse();
            assertThat(everything(e)).doesNotContain(wrongKey);
            UnableToStoreException w = fails(() -> write(storage, "a.bin", 10), Duration.ofSeconds(5));
            assertThat(w.getMessage()).contains("backup_options.key_file");
        }
    }

    @Test
    void aMissingContainerNamesTheContainerAtOnce() throws Exception {
        try (AzureStorage storage = AZURITE.storage("no-such-container", "app", Map.of())) {
            UnableToStoreException e = fails(() -> storage.list(""), Duration.ofSeconds(5));
            assertThat(e.getMessage())
                    .contains("the container no-such-container does not exist")
                    .contains("backup_options.container");
            assertThat(e.isTransient()).isFalse();
            UnableToStoreException w = fails(() -> write(storage, "a.bin", 300_000), Duration.ofSeconds(5));
            assertThat(w.getMessage()).contains("backup_options.container");
            UnableToStoreException c =
                    fails(() -> storage.createIfAbsent("x.lease", new byte[1]), Duration.ofSeconds(5));
            assertThat(c.getMessage()).contains("backup_options.container");
        }
    }

    @Test
    void anUnreachableEndpointNamesTheEndpointWithinSeconds() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closed + "/" + AzuriteServer.ACCOUNT;
        try (AzureStorage storage = AZURITE.storage("backups", "app", Map.of("endpoint", endpoint))) {
            UnableToStoreException e = fails(() -> storage.stat("x"), Duration.ofSeconds(10));
            assertThat(e.getMessage())
                    .contains("endpoint " + endpoint + " is unreachable")
                    .contains("backup_options.endpoint");
            assertThat(e.isTransient()).isTrue();
        }
    }

    @Test
    void aWrongSasNamesSasTokenFileAndNeverShowsTheSignature() throws Exception {
        String container = AZURITE.newContainer();
        String sas = AZURITE.sas(container).replaceAll("sig=[^&]+", "sig=AAAAbadsignatureBBBB%3D");
        Path file = secretFile("wrong.sas", sas);
        try (AzureStorage storage = sasStorage(container, file)) {
            UnableToStoreException e = fails(() -> storage.list(""), Duration.ofSeconds(5));
            assertThat(e.getMessage()).contains("backup_options.sas_token_file");
            assertThat(everything(e)).doesNotContain("AAAAbadsignatureBBBB");
        }
    }

    @Test
    void aRightSasAndAConnectionStringWork() throws Exception {
        String container = AZURITE.newContainer();
        try (AzureStorage storage = sasStorage(container, secretFile("right.sas", "?" + AZURITE.sas(container)))) {
            write(storage, "via-sas.bin", 1000);
            assertThat(storage.stat("via-sas.bin"))
                    .get()
                    .extracting(o -> o.size())
                    .isEqualTo(1000L);
        }
        Path cs = secretFile(
                "conn",
                "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey="
                        + AzuriteServer.KEY + ";BlobEndpoint=" + AZURITE.endpoint() + ";");
        try (AzureStorage storage =
                AzuriteServer.create("app", Map.of("connection_string_file", cs.toString(), "container", container))) {
            assertThat(storage.list("")).extracting(o -> o.name()).containsExactly("via-sas.bin");
        }
    }

    private static AzureStorage sasStorage(String container, Path sasFile) {
        return AZURITE.sasStorage(container, "app", sasFile, Map.of());
    }

    private Path secretFile(String name, String content) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, content + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private static void write(AzureStorage storage, String name, int size) throws Exception {
        try (ObjectWrite w = storage.openWrite(name)) {
            w.stream().write(new byte[size]);
            w.commit();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static UnableToStoreException fails(Call call, Duration within) {
        long t0 = System.nanoTime();
        Throwable t = catchThrowable(call::run);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(t).isInstanceOf(UnableToStoreException.class);
        assertThat(took).as("failed after %s: %s", took, t.getMessage()).isLessThan(within);
        return (UnableToStoreException) t;
    }

    /** The message, causes and stack trace as a log would show them. */
    private static String everything(Throwable t) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        return s.toString();
    }
}
