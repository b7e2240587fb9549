package io.backupkit.backup.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import io.backupkit.backup.tck.Providers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options are checked without connecting; each mistake names its key. */
class SftpSettingsTest {
    @TempDir
    Path tmp;

    private Map<String, Object> options() throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("host", "backup.example.org");
        o.put("port", 2222);
        o.put("user", "backup");
        o.put("private_key_file", Files.writeString(tmp.resolve("id"), "key").toString());
        o.put(
                "known_hosts_file",
                Files.writeString(tmp.resolve("known_hosts"), "").toString());
        return o;
    }

    private static SftpSettings settings(String location, Map<String, Object> o) {
        return SftpStorageProvider.settings(new StorageConfig(location, new ProviderOptions("backup_options", o)));
    }

    @Test
    void providerIsFoundById() {
        assertThat(Providers.storage("sftp")).isInstanceOf(SftpStorageProvider.class);
    }

    @Test
    void readsTheOptions() throws Exception {
        SftpSettings s = settings("/srv/backups/", options());
        assertThat(s.host()).isEqualTo("backup.example.org");
        assertThat(s.port()).isEqualTo(2222);
        assertThat(s.folder()).isEqualTo("/srv/backups");
        assertThat(s.describe()).isEqualTo("sftp://backup@backup.example.org:2222/srv/backups");
    }

    @Test
    void pathOptionInsteadOfTheLocation() throws Exception {
        Map<String, Object> o = options();
        o.put("path", "backups");
        assertThat(settings("", o).folder()).isEqualTo("backups");
        assertThatThrownBy(() -> settings("/other", o))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.path");
        o.remove("path");
        assertThatThrownBy(() -> settings(" ", o))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("storage location");
    }

    @Test
    void portMustBeAJsonNumber() throws Exception {
        Map<String, Object> o = options();
        o.put("port", "2222");
        assertThatThrownBy(() -> settings("/b", o))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options.port")
                .satisfies(e ->
                        assertThat(((BackupConfigurationException) e).key()).contains("backup_options.port"));
        o.put("port", 70000);
        assertThatThrownBy(() -> settings("/b", o)).hasMessageContaining("backup_options.port");
    }

    @Test
    void missingOrUnreadableFilesAreNamed() throws Exception {
        Map<String, Object> o = options();
        o.remove("known_hosts_file");
        assertThatThrownBy(() -> settings("/b", o)).hasMessageContaining("backup_options.known_hosts_file");
        Map<String, Object> p = options();
        p.put("private_key_file", tmp.resolve("missing").toString());
        assertThatThrownBy(() -> settings("/b", p)).hasMessageContaining("backup_options.private_key_file");
        Map<String, Object> q = options();
        q.remove("private_key_file");
        assertThatThrownBy(() -> settings("/b", q))
                .hasMessageContaining("backup_options.private_key_file")
                .hasMessageContaining("backup_options.password_file");
    }

    @Test
    void unknownOptionAndMissingHostAreNamed() throws Exception {
        Map<String, Object> o = options();
        o.put("hostname", "x");
        assertThatThrownBy(() -> settings("/b", o)).hasMessageContaining("backup_options.hostname");
        Map<String, Object> p = options();
        p.remove("host");
        assertThatThrownBy(() -> settings("/b", p)).hasMessageContaining("backup_options.host");
    }
}
