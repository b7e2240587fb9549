package io.backupkit.backup.encryption.openpgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupDiff;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * diff and restoreMedia on encrypted backups: they decrypt what they read, and an edited manifest
 * (which only the seal inside the artifacts can tell) is refused before anything is written.
 */
class EncryptedDiffAndMediaPathTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(BackupFormat.class)
    void theyReadEncryptedBackupsAndRefuseAnEditedManifest(BackupFormat format) throws Exception {
        EncryptedApp app = new EncryptedApp(tmp);
        Files.createDirectories(tmp.resolve("media/docs"));
        Files.writeString(tmp.resolve("media/docs/doc.txt"), "v1");
        app.sql("CREATE TABLE t (id INT)");
        Map<String, Object> passphrase = OpenPgpTestKeys.keys(null, null, Secret.of("correct horse"));
        try (BackupManager backups = app.builder(passphrase).format(format).build()) {
            BackupInfo first = backups.create().backup();
            Files.writeString(tmp.resolve("media/docs/doc.txt"), "v2, longer");
            BackupInfo second = backups.create().backup();

            BackupDiff diff = backups.diff(first.id(), second.id());
            assertThat(diff.changed()).containsExactly("docs/doc.txt");
            assertThat(diff.dump()).isNotNull();
            Path out = tmp.resolve("out");
            backups.restoreMedia(first.id(), "docs", out);
            assertThat(out.resolve("docs/doc.txt")).hasContent("v1");

            Path manifest = tmp.resolve("backups").resolve(first.id() + ".manifest.json");
            Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"manual\"", "\"daily\""));
            assertThatThrownBy(() -> backups.diff(first.id(), second.id()))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining("manifest was edited");
            Path refused = tmp.resolve("refused");
            assertThatThrownBy(() -> backups.restoreMedia(first.id(), "docs", refused))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining("manifest was edited");
            assertThat(refused).doesNotExist();
        }
    }
}
