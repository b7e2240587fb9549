package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The media folder guard with a remote storage: a key prefix that reads like the media folder's
 * path is no local folder and is not refused; {@code /} and system folders are refused the same as
 * with a local one, unless allowed.
 */
class S3MediaFolderGuardTest {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    @TempDir
    Path tmp;

    @Test
    void aPrefixNamedLikeTheMediaFolderIsNoLocalFolder() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("photo.jpg"), "precious");
        String bucket = SERVER.newBucket();
        try (BackupManager backups = BackupManager.builder()
                .storage("s3", media.toString(), SERVER.options(bucket))
                .mediaDir(media)
                .build()) {
            BackupInfo info = backups.create().backup();
            assertThat(info.media().fileCount()).isEqualTo(1);
            Files.writeString(media.resolve("later.txt"), "later");
            backups.restore(RestoreOptions.of(info.id().value()));
            assertThat(Files.readString(media.resolve("photo.jpg"))).isEqualTo("precious");
            assertThat(media.resolve("later.txt")).doesNotExist();
        }
    }

    @Test
    void systemFoldersNeedTheOverrideWithARemoteStorageToo() {
        String bucket = SERVER.newBucket();
        assertThatThrownBy(() -> BackupManager.builder()
                        .storage("s3", "app", SERVER.options(bucket))
                        .mediaDir(Path.of("/usr"))
                        .build())
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("/usr")
                .hasMessageContaining("system folder");
        try (BackupManager allowed = BackupManager.builder()
                .storage("s3", "app", SERVER.options(bucket))
                .mediaDir(Path.of("/usr"))
                .allowSensitiveMediaDir()
                .build()) {
            assertThat(allowed.settings().allowSensitiveMediaDir()).isTrue();
        }
    }
}
