package io.backupkit.backup.storage.dropbox;

import static io.backupkit.backup.storage.dropbox.TestDropbox.CHUNK;
import static io.backupkit.backup.storage.dropbox.TestDropbox.TOKEN;
import static io.backupkit.backup.storage.dropbox.TestDropbox.put;
import static io.backupkit.backup.storage.dropbox.TestDropbox.random;
import static io.backupkit.backup.storage.dropbox.TestDropbox.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.Setting;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import io.backupkit.backup.tck.Providers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input: missing or revoked credentials, full account, forbidden paths, bad options. */
class DropboxErrorsTest {
    private static final String REFRESH = "refresh-token-4c1e9b2d";
    private static final String APP_KEY = "app-key-1";
    private static final String APP_SECRET = "app-secret-8d7f";

    private FakeDropboxServer fake;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void start() throws IOException {
        fake = TestDropbox.fake().app(APP_KEY, APP_SECRET, REFRESH);
        originalErr = System.err;
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8)); // slf4j-simple writes here
    }

    @AfterEach
    void stop() {
        System.setErr(originalErr);
        fake.close();
        String logged = logs.toString(StandardCharsets.UTF_8);
        originalErr.print(logged);
        // never a token or secret in the logs of any of these tests
        assertThat(logged).doesNotContain(TOKEN, REFRESH, APP_SECRET, "sl.fake-");
    }

    private DropboxStorage refreshing(String accessToken) {
        DropboxSettings s = new DropboxSettings(
                "/backups",
                accessToken == null ? null : Secret.of(accessToken),
                Secret.of(REFRESH),
                APP_KEY,
                Secret.of(APP_SECRET),
                CHUNK,
                3,
                Duration.ofMillis(5),
                Duration.ofMillis(20));
        return TestDropbox.storage(fake, s);
    }

    private static void assertNoSecrets(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(TOKEN, REFRESH, APP_SECRET, "sl.fake-");
        }
    }

    private static DropboxAuthenticationException authFailure(Executable call) {
        Throwable thrown = org.junit.jupiter.api.Assertions.assertThrows(DropboxAuthenticationException.class, call);
        assertNoSecrets(thrown);
        return (DropboxAuthenticationException) thrown;
    }

    // ---- credentials ----------------------------------------------------------------------------

    @Test
    void missingTokenIsAConfigurationErrorNamingTheOption() {
        assertThatThrownBy(() -> new DropboxStorageProvider()
                        .create(new StorageConfig("/backups", new ProviderOptions("backup_options", Map.of()))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.refresh_token")
                .satisfies(e ->
                        assertThat(((BackupConfigurationException) e).key()).contains("backup_options.refresh_token"));
        assertThatThrownBy(() -> new DropboxStorageProvider()
                        .create(config(Map.of("refresh_token", REFRESH, "app_secret", APP_SECRET))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.app_key")
                .satisfies(e -> assertNoSecrets(e));
    }

    @Test
    void revokedAccessTokenFailsFastWithATypedError() throws IOException {
        fake.revokeToken(TOKEN);
        DropboxStorage storage = TestDropbox.storage(fake, "/backups");

        DropboxAuthenticationException listing = authFailure(() -> storage.list(""));
        assertThat(listing.getMessage()).contains("invalid_access_token").contains("refresh_token");
        assertThat(listing.isTransient()).isFalse();

        authFailure(() -> put(storage, "small.txt", new byte[] {1}));
        authFailure(() -> put(storage, "big.bin", random(3 * CHUNK, 1)));
        authFailure(() -> storage.createIfAbsent("x.lock", new byte[] {1}));
        // fail fast: one request each, no retries
        assertThat(fake.count("list_folder 401")).isEqualTo(1);
        assertThat(fake.count("upload 401")).isEqualTo(2);
    }

    @Test
    void expiredAccessTokenIsRefreshedWithTheRefreshToken() throws IOException {
        fake.expireToken(TOKEN);
        DropboxStorage storage = refreshing(TOKEN);
        byte[] content = random(3 * CHUNK + 5, 2);

        put(storage, "big.bin", content); // an upload first: the SDK does not refresh these by itself
        assertThat(read(storage, "big.bin", 0)).isEqualTo(content);
        assertThat(storage.list("")).hasSize(1);

        assertThat(fake.log()).contains("upload_session/start 401");
        assertThat(fake.count("oauth2/token 200")).isEqualTo(1);
    }

    @Test
    void expiredAccessTokenIsRefreshedForRpcCalls() throws IOException {
        fake.expireToken(TOKEN);
        DropboxStorage storage = refreshing(TOKEN);
        assertThat(storage.list("")).isEmpty();
        assertThat(fake.log()).containsSubsequence("list_folder 401", "oauth2/token 200", "list_folder 409");
    }

    @Test
    void refreshTokenAloneGetsAnAccessTokenFirst() throws IOException {
        DropboxStorage storage = refreshing(null);
        put(storage, "a.txt", new byte[] {1, 2, 3});
        assertThat(read(storage, "a.txt", 0)).containsExactly(1, 2, 3);
        assertThat(fake.log().get(0)).isEqualTo("oauth2/token 200");
        assertThat(fake.count("oauth2/token 200")).isEqualTo(1);
    }

    @Test
    void revokedRefreshTokenIsATypedError() {
        fake.revokeRefreshToken().expireToken(TOKEN);
        DropboxStorage storage = refreshing(TOKEN);
        DropboxAuthenticationException e = authFailure(() -> storage.list(""));
        assertThat(e.getMessage()).containsAnyOf("invalid_grant", "expired_access_token");
        authFailure(() -> put(storage, "a.txt", new byte[] {1}));
    }

    @Test
    void wrongAppSecretIsATypedError() {
        fake.app(APP_KEY, "another-secret", REFRESH);
        DropboxStorage storage = refreshing(null);
        DropboxAuthenticationException e = authFailure(() -> put(storage, "a.txt", new byte[] {1}));
        assertThat(e.getMessage())
                .contains("Invalid client_id or client_secret")
                .contains("backup_options.app_secret");
    }

    // ---- space and paths ----------------------------------------------------------------------

    @Test
    void quotaExceededIsATypedErrorAndLeavesNothing() throws IOException {
        fake.quota(CHUNK);
        DropboxStorage storage = TestDropbox.storage(fake, "/backups");
        put(storage, "fits.bin", random(CHUNK / 2, 3));

        assertThatThrownBy(() -> put(storage, "small.bin", random(CHUNK / 2 + 100, 4)))
                .isInstanceOf(DropboxQuotaExceededException.class)
                .hasMessageContaining("insufficient_space")
                .hasMessageContaining("free space");
        assertThatThrownBy(() -> put(storage, "big.bin", random(4 * CHUNK, 5)))
                .isInstanceOf(DropboxQuotaExceededException.class);
        assertThat(storage.list("")).extracting(o -> o.name()).containsExactly("fits.bin");
        assertThat(fake.count("upload 409")).isEqualTo(1); // not retried
        assertThat(fake.count("upload_session/finish 409")).isEqualTo(1);
    }

    @Test
    void pathOutsideTheAppFolderIsATypedError() {
        fake.writeProtect("/Shared");
        DropboxStorage storage = TestDropbox.storage(fake, "/Shared/backups");
        assertThatThrownBy(() -> put(storage, "a.bin", new byte[] {1}))
                .isInstanceOf(DropboxPathException.class)
                .hasMessageContaining("no_write_permission")
                .hasMessageContaining("storage location")
                .satisfies(e -> assertThat(((DropboxPathException) e).reason()).isEqualTo("no_write_permission"));
        assertThatThrownBy(() -> put(storage, "b.bin", random(3 * CHUNK, 6))).isInstanceOf(DropboxPathException.class);
        assertThatThrownBy(() -> storage.createIfAbsent("c.lock", new byte[] {1}))
                .isInstanceOf(DropboxPathException.class);
    }

    @Test
    void folderThatClimbsOutIsRefusedBeforeAnyRequest() {
        for (String dir : new String[] {"../outside", "/backups/../../etc", "/a/./b", "C:\\backups"}) {
            assertThatThrownBy(
                            () -> new DropboxStorageProvider().create(config("/x", dir, Map.of("access_token", TOKEN))))
                    .as(dir)
                    .isInstanceOf(BackupConfigurationException.class)
                    .hasMessageContaining("storage location")
                    .satisfies(e -> assertThat(((BackupConfigurationException) e).setting())
                            .contains(Setting.STORAGE_LOCATION));
        }
        assertThat(fake.log()).isEmpty();
    }

    // ---- options ------------------------------------------------------------------------------

    @Test
    void optionsAreCheckedAndNamed() {
        DropboxStorageProvider provider = new DropboxStorageProvider();
        assertThatThrownBy(() -> provider.create(config(Map.of("access_token", TOKEN, "acces_key", "x"))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.acces_key");
        assertThatThrownBy(() -> provider.create(config(Map.of("access_token", TOKEN, "chunk_size", "5MiB"))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.chunk_size")
                .hasMessageContaining("4MiB");
        assertThatThrownBy(() -> provider.create(config(Map.of("access_token", TOKEN, "chunk_size", "256MiB"))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.chunk_size");
        assertThatThrownBy(() -> provider.create(config(Map.of("access_token", TOKEN, "max_attempts", 0))))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.max_attempts");

        Map<String, Object> good = new HashMap<>();
        good.put("refresh_token", REFRESH);
        good.put("app_key", APP_KEY);
        good.put("app_secret", APP_SECRET);
        good.put("chunk_size", "16MiB");
        good.put("max_attempts", "7");
        DropboxSettings s = DropboxStorageProvider.settings(new StorageConfig("backups/inv/", options(good)));
        assertThat(s.folder()).isEqualTo("/backups/inv");
        assertThat(s.chunkSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(s.maxAttempts()).isEqualTo(7);
        assertThat(s.toString()).doesNotContain(REFRESH, APP_SECRET);
        assertThat(DropboxStorageProvider.settings(config(Map.of("access_token", TOKEN)))
                        .chunkSize())
                .isEqualTo(8 * 1024 * 1024);
    }

    @Test
    void providerIsFoundByItsId() {
        BackupStorageProvider provider = Providers.storage("dropbox");
        assertThat(provider).isInstanceOf(DropboxStorageProvider.class);
        assertThat(provider.create(config(Map.of("access_token", TOKEN))).describe())
                .isEqualTo("dropbox:/backups");
    }

    private static ProviderOptions options(Map<String, ?> values) {
        return new ProviderOptions("backup_options", values);
    }

    private static StorageConfig config(Map<String, ?> values) {
        return new StorageConfig("/backups", options(values));
    }

    private static StorageConfig config(String unused, String dir, Map<String, ?> values) {
        return new StorageConfig(dir, options(values));
    }
}
