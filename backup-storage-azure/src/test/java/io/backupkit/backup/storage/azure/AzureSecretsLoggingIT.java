package io.backupkit.backup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.tck.LogCapture;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole session at DEBUG for this package and the Azure SDK (staged writes, reads, lists, a lease,
 * a sweep, an aborted write, failures with a wrong key), once with the account key and once with a
 * SAS: neither the key nor the SAS signature appears in any log message or logged exception.
 */
class AzureSecretsLoggingIT {
    @RegisterExtension
    static final AzuriteServer AZURITE = new AzuriteServer();

    @RegisterExtension
    final LogCapture logs = new LogCapture("io.backupkit.backup.storage.azure", "com.azure");

    @TempDir
    Path tmp;

    @Test
    void neitherTheKeyNorTheSasSignatureIsLogged() throws Exception {
        String container = AZURITE.newContainer();
        try (AzureStorage storage = AZURITE.storage(container, "logged", Map.of("block_size", 64 * 1024))) {
            session(storage);
        }
        String sas = AZURITE.sas(container);
        Matcher sig = Pattern.compile("sig=([^&]+)").matcher(sas);
        assertThat(sig.find()).isTrue();
        String signature = java.net.URLDecoder.decode(sig.group(1), java.nio.charset.StandardCharsets.UTF_8);
        Path sasFile = Files.writeString(tmp.resolve("sas"), sas);
        try (AzureStorage storage =
                AZURITE.sasStorage(container, "logged-sas", sasFile, Map.of("block_size", 64 * 1024))) {
            session(storage);
        }
        Path wrongKey = Files.writeString(tmp.resolve("wrong"), "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=");
        try (AzureStorage storage = AZURITE.storage(container, "logged", Map.of("key_file", wrongKey.toString()))) {
            assertThat(catchThrowable(() -> storage.list(""))).isNotNull();
        }

        assertThat(logs.events()).as("the SDK and the storage logged at DEBUG").hasSizeGreaterThan(10);
        for (LogCapture.Event e : logs.events()) {
            assertThat(e.text())
                    .as("log of %s", e.logger())
                    .doesNotContain(AzuriteServer.KEY)
                    .doesNotContain(sig.group(1))
                    .doesNotContain(signature)
                    .doesNotContain("d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=");
        }
    }

    private static void session(AzureStorage storage) throws Exception {
        try (ObjectWrite w = storage.openWrite("multi.bin")) {
            w.stream().write(new byte[200_000]);
            w.commit();
        }
        try (ObjectWrite w = storage.openWrite("aborted.bin")) {
            w.stream().write(new byte[200_000]);
        }
        try (InputStream in = storage.openRead("multi.bin", 10)) {
            assertThat(in.readAllBytes()).hasSize(200_000 - 10);
        }
        assertThat(storage.list("")).extracting(o -> o.name()).containsExactly("multi.bin");
        assertThat(storage.createIfAbsent("backup.lease", new byte[] {1})).isTrue();
        assertThat(storage.createIfAbsent("backup.lease", new byte[] {2})).isFalse();
        assertThat(storage.deleteIfUnchanged(storage.stat("backup.lease").orElseThrow()))
                .isTrue();
        storage.sweep(Duration.ZERO, Instant.now().plusSeconds(5), false);
        assertThat(catchThrowable(() -> storage.openRead("missing.bin", 0))).isNotNull();
    }
}
