package io.backupkit.backup.storage.dropbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.fixtures.CloseDuringCreate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling a create to Dropbox (the fake) with {@code close()} from another thread while an
 * upload session is being appended to: no file is committed (the session is abandoned, Dropbox has
 * no call to cancel one), no lease stays, and the next create succeeds at once.
 */
@Timeout(120)
class DropboxCancelCreateTest {
    private static final String FOLDER = "/Apps/backupkit/cancel";

    @TempDir
    Path tmp;

    private FakeDropboxServer fake;

    @BeforeEach
    void start() throws Exception {
        fake = TestDropbox.fake();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void closeDuringAnUploadSessionCommitsNothing() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        for (int i = 0; i < 6; i++) {
            Files.write(media.resolve("photo-" + i + ".raw"), TestDropbox.random(2 << 20, i));
        }
        BackupListener paced = new BackupListener() {
            @Override
            public void progress(Phase phase, long bytes) {
                try {
                    Thread.sleep(100); // per MiB: the upload lasts about a second
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        BackupManager manager = manager(media, paced);
        CloseDuringCreate.closeOnceReached(
                manager, () -> fake.count("upload_session/append_v2 200") > 0, "its upload session was appended to");
        assertThat(TestDropbox.storage(fake, FOLDER).list("")).as("files left").isEmpty();
        try (BackupManager next = manager(media, BackupListener.NONE)) {
            assertThat(next.create().backup().artifacts()).hasSize(1);
        }
    }

    private BackupManager manager(Path media, BackupListener listener) {
        return BackupManager.builder()
                .component(BackupStorage.class, TestDropbox.storage(fake, FOLDER))
                .noDatabase()
                .mediaDir(media)
                .listener(listener)
                .build();
    }
}
