package io.backupkit.backup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option parsing: credentials only from files, every problem names its option, no secret shown. */
class AzureSettingsTest {
    private static final String KEY = AzuriteServer.KEY;

    @TempDir
    Path tmp;

    private AzureSettings parse(Map<String, Object> options) {
        return AzureSettings.from(new StorageConfig("/app/backups", new ProviderOptions("backup_options", options)));
    }

    private Map<String, Object> keyOptions() throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("account", "myaccount");
        o.put("key_file", file("key", KEY + "\n").toString());
        o.put("container", "backups");
        return o;
    }

    private Path file(String name, String content) throws Exception {
        return Files.writeString(tmp.resolve(name), content);
    }

    @Test
    void accountAndKeyFileGiveTheAccountsEndpoint() throws Exception {
        AzureSettings s = parse(keyOptions());
        assertThat(s.endpoint()).hasToString("https://myaccount.blob.core.windows.net");
        assertThat(s.prefix()).isEqualTo("app/backups/");
        assertThat(s.auth()).isEqualTo(AzureSettings.Auth.SHARED_KEY);
        assertThat(s.secret().reveal()).isEqualTo(KEY);
        assertThat(s.describe()).isEqualTo("https://myaccount.blob.core.windows.net/backups/app/backups/");
        assertThat(s.toString()).doesNotContain(KEY).contains("backup_options.key_file");
        assertThat(s.blockSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(s.parallelBlocks()).isEqualTo(2);
    }

    @Test
    void anEndpointWithATrailingSlashIsKept() throws Exception {
        Map<String, Object> o = keyOptions();
        o.put("endpoint", "http://127.0.0.1:10000/devstoreaccount1/");
        assertThat(parse(o).endpoint()).hasToString("http://127.0.0.1:10000/devstoreaccount1");
    }

    @Test
    void inlineSecretsAreRefusedNamingTheFileOption() throws Exception {
        for (var e : Map.of(
                        "key", "key_file", "sas_token", "sas_token_file", "connection_string", "connection_string_file")
                .entrySet()) {
            Map<String, Object> o = keyOptions();
            o.put(e.getKey(), "secret-value-123");
            assertThatThrownBy(() -> parse(o))
                    .isInstanceOf(BackupConfigurationException.class)
                    .hasMessageContaining("backup_options." + e.getValue())
                    .hasMessageNotContaining("secret-value-123");
        }
    }

    @Test
    void noCredentialsOrTwoKindsAreRefused() throws Exception {
        Map<String, Object> none = keyOptions();
        none.remove("key_file");
        assertThatThrownBy(() -> parse(none))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("no Azure credentials")
                .hasMessageContaining("backup_options.sas_token_file");
        Map<String, Object> two = keyOptions();
        two.put("sas_token_file", file("sas", "sv=1&sig=abc").toString());
        assertThatThrownBy(() -> parse(two)).hasMessageContaining("more than one kind");
    }

    @Test
    void keyFileProblemsNameTheOptionWithoutShowingTheKey() throws Exception {
        Map<String, Object> missing = keyOptions();
        missing.put("key_file", tmp.resolve("nope").toString());
        assertThatThrownBy(() -> parse(missing))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.key_file")
                .hasMessageContaining("not a readable file");
        Map<String, Object> notBase64 = keyOptions();
        notBase64.put("key_file", file("bad", "not*base64!").toString());
        assertThatThrownBy(() -> parse(notBase64))
                .hasMessageContaining("backup_options.key_file")
                .hasMessageContaining("not base64")
                .hasMessageNotContaining("not*base64!");
        Map<String, Object> noAccount = keyOptions();
        noAccount.remove("account");
        assertThatThrownBy(() -> parse(noAccount)).hasMessageContaining("backup_options.account");
    }

    @Test
    void containerAndEndpointAreChecked() throws Exception {
        Map<String, Object> upper = keyOptions();
        upper.put("container", "My_Backups");
        assertThatThrownBy(() -> parse(upper)).hasMessageContaining("backup_options.container");
        Map<String, Object> sasInUrl = keyOptions();
        sasInUrl.put("endpoint", "https://a.blob.core.windows.net/?sv=1&sig=abc");
        assertThatThrownBy(() -> parse(sasInUrl))
                .hasMessageContaining("backup_options.endpoint")
                .hasMessageNotContaining("sig=abc");
        Map<String, Object> notUrl = keyOptions();
        notUrl.put("endpoint", "127.0.0.1:10000");
        assertThatThrownBy(() -> parse(notUrl)).hasMessageContaining("backup_options.endpoint");
        Map<String, Object> block = keyOptions();
        block.put("block_size", "1KiB");
        assertThatThrownBy(() -> parse(block)).hasMessageContaining("backup_options.block_size");
    }

    @Test
    void aConnectionStringGivesAccountKeyAndEndpoint() throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("container", "backups");
        o.put(
                "connection_string_file",
                file(
                                "cs",
                                "DefaultEndpointsProtocol=https;AccountName=prodacct;AccountKey=" + KEY
                                        + ";EndpointSuffix=core.windows.net\n")
                        .toString());
        AzureSettings s = parse(o);
        assertThat(s.account()).isEqualTo("prodacct");
        assertThat(s.secret().reveal()).isEqualTo(KEY);
        assertThat(s.endpoint()).hasToString("https://prodacct.blob.core.windows.net");
        assertThat(s.credentialSetting()).isEqualTo("backup_options.connection_string_file");

        o.put("connection_string_file", file("cs2", "AccountName=x;Foo=bar").toString());
        assertThatThrownBy(() -> parse(o))
                .hasMessageContaining("backup_options.connection_string_file")
                .hasMessageContaining("neither AccountKey nor SharedAccessSignature");
    }

    @Test
    void aSasNeedsAnEndpointOrAnAccountAndLosesItsQuestionMark() throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("container", "backups");
        o.put(
                "sas_token_file",
                file("sas", "?sv=2024-01-01&sp=racwdl&sig=abc%3D\n").toString());
        assertThatThrownBy(() -> parse(o)).hasMessageContaining("backup_options.endpoint");
        o.put("account", "myaccount");
        AzureSettings s = parse(o);
        assertThat(s.auth()).isEqualTo(AzureSettings.Auth.SAS);
        assertThat(s.secret().reveal()).isEqualTo("sv=2024-01-01&sp=racwdl&sig=abc%3D");
        o.put("sas_token_file", file("nosig", "sv=2024-01-01").toString());
        assertThatThrownBy(() -> parse(o)).hasMessageContaining("no sig=");
    }

    @Test
    void theProviderIsFoundByServiceLoader() {
        assertThat(ServiceLoader.load(BackupStorageProvider.class).stream()
                        .map(p -> p.get().id()))
                .contains("azure");
    }
}
