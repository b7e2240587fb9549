package io.backupkit.backup.storage.dropbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.tck.fixtures.H2Database;
import io.backupkit.backup.tck.fixtures.MediaState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a backup of an H2 database and a media folder created and restored through {@link
 * BackupManager} on Dropbox (the local fake), each artifact spanning several upload-session chunks,
 * with a dropped connection in the middle of the create.
 */
class DropboxBackupManagerTest {
    @TempDir
    Path root;

    private FakeDropboxServer fake;
    private String url;
    private H2Database h2;
    private Path media;

    @BeforeEach
    void start() throws IOException {
        fake = TestDropbox.fake();
        url = "jdbc:h2:file:" + root.resolve("db/app").toAbsolutePath();
        h2 = new H2Database(url);
        media = root.resolve("media");
        Files.createDirectories(media);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private BackupManager manager() {
        return BackupManager.builder()
                .component(BackupStorage.class, TestDropbox.storage(fake, "/Apps/backupkit/inventory"))
                .database(url, "sa", null)
                .mediaDir(media)
                .spoolDir(root.resolve("spool"))
                .hostApplication("inventory", "1.0.0")
                .build();
    }

    @Test
    void createAndRestoreSpanningSeveralChunks() throws Exception {
        h2.sql(
                "CREATE TABLE part (id INT PRIMARY KEY, name VARCHAR(100), picture BLOB)",
                "INSERT INTO part VALUES (1, 'Widerstand 10kΩ', NULL)");
        try (Connection c = h2.connect();
                var ps = c.prepareStatement("INSERT INTO part VALUES (2, 'blob', ?)")) {
            ps.setBytes(1, TestDropbox.random(6 * TestDropbox.CHUNK, 1)); // incompressible: several chunks
            ps.executeUpdate();
        }
        Files.write(media.resolve("report.pdf"), TestDropbox.random(5 * TestDropbox.CHUNK, 2));
        Files.createDirectories(media.resolve("images"));
        Files.write(media.resolve("images/logo.png"), TestDropbox.random(1000, 3));
        String dbBefore = h2.state();
        Map<String, String> mediaBefore = mediaState();

        fake.inject("upload_session/append_v2", FakeDropboxServer.Fault.DROP_AFTER, 3);
        CreateResult created;
        try (BackupManager backups = manager()) {
            created = backups.create();
        }
        assertThat(fake.count("upload_session/append_v2 200")).isGreaterThanOrEqualTo(8);
        assertThat(fake.log()).contains("upload_session/append_v2 drop");
        BackupInfo info = created.backup();
        for (ArtifactInfo artifact : info.artifacts()) {
            assertThat(artifact.size()).isGreaterThan(2L * TestDropbox.CHUNK);
            byte[] stored =
                    fake.file("/Apps/backupkit/inventory/" + artifact.name()).content();
            assertThat(sha256(stored)).isEqualTo(artifact.sha256());
        }

        // change everything, then restore
        h2.sql("DELETE FROM part WHERE id = 1", "CREATE TABLE added_later (x INT)");
        Files.delete(media.resolve("report.pdf"));
        Files.write(media.resolve("new.txt"), new byte[] {1});
        assertThat(h2.state()).isNotEqualTo(dbBefore);

        try (BackupManager backups = manager()) {
            VerifyResult verified = backups.verify(info.id().toString(), VerifyMode.DEEP);
            assertThat(verified.problems()).isEmpty();
            backups.restore(RestoreOptions.of(info.id().toString()));
            assertThat(backups.list()).hasSize(1); // keep-aside: the replaced state is kept aside, not backed up
        }
        assertThat(h2.state()).isEqualTo(dbBefore);
        assertThat(mediaState()).isEqualTo(mediaBefore);
        assertThat(TestDropbox.storage(fake, "/Apps/backupkit/inventory").list(""))
                .extracting(StoredObject::name)
                .noneMatch(n -> n.contains("lock") || n.contains("lease"));
    }

    private Map<String, String> mediaState() throws IOException {
        return MediaState.of(media);
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
