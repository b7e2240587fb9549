package io.backupkit.backup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlockListType;
import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.VerifyMode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through {@link BackupManager} with {@code BACKUP_STORAGE=azure} against Azurite: an
 * H2 database and a media folder whose artifacts each span several 1 MiB blocks; the stored blobs'
 * SHA-256 equal the manifest's, no uncommitted blocks are left, and a restore brings back the exact
 * state.
 */
@Timeout(180)
class AzureBackupRoundTripIT {
    @RegisterExtension
    static final AzuriteServer AZURITE = new AzuriteServer();

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void createVerifyAndRestoreWithStagedBlocks() throws Exception {
        String container = AZURITE.newContainer();
        String url = "jdbc:h2:file:" + tmp.resolve("db/app").toAbsolutePath();
        byte[] blob = new byte[5 * MIB];
        new Random(1).nextBytes(blob);
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE doc (id INT PRIMARY KEY, name VARCHAR(100), content BLOB)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO doc VALUES (1, 'big', ?)")) {
                ps.setBytes(1, blob);
                ps.executeUpdate();
            }
        }
        Path media = Files.createDirectories(tmp.resolve("media"));
        byte[] photo = new byte[5 * MIB];
        new Random(2).nextBytes(photo);
        Files.write(media.resolve("photo.raw"), photo);
        Files.writeString(media.resolve("note.txt"), "hello");

        Map<String, Object> options = AZURITE.options(container);
        options.put("block_size", "1MiB");
        try (BackupManager backups = BackupManager.builder()
                .storage("azure", "apps/test", options)
                .database(url, "sa", null)
                .mediaDir(media)
                .spoolDir(Files.createDirectories(tmp.resolve("spool")))
                .hostApplication("azure-test", "1.0.0")
                .build()) {
            BackupInfo info = backups.create(CreateOptions.labelled("manual")).backup();
            assertThat(info.artifacts()).extracting(ArtifactInfo::kind).containsExactly("database", "media");
            for (ArtifactInfo artifact : info.artifacts()) {
                String name = "apps/test/" + artifact.name();
                var client = AZURITE.container(container).getBlobClient(name);
                assertThat(client.getProperties().getBlobSize()).as(name).isEqualTo(artifact.size());
                assertThat(client.getBlockBlobClient()
                                .listBlocks(BlockListType.COMMITTED)
                                .getCommittedBlocks())
                        .as("committed blocks of %s", name)
                        .hasSizeGreaterThanOrEqualTo(5);
                assertThat(sha256(client.openInputStream()))
                        .as("SHA-256 of %s", name)
                        .isEqualTo(artifact.sha256());
            }
            assertThat(AZURITE.uncommitted(container, ""))
                    .as("uncommitted blobs")
                    .isEmpty();
            assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).ok()).isTrue();

            try (Connection c = DriverManager.getConnection(url, "sa", "");
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM doc");
                s.execute("INSERT INTO doc VALUES (2, 'later', NULL)");
            }
            Files.delete(media.resolve("photo.raw"));
            Files.writeString(media.resolve("note.txt"), "changed");

            RestoreResult restored =
                    backups.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false));
            assertThat(restored.databaseRestored()).isTrue();
            assertThat(restored.mediaRestored()).isTrue();
        }
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, name, content FROM doc ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getBytes(3)).isEqualTo(blob);
            assertThat(rs.next()).isFalse();
        }
        assertThat(Files.readAllBytes(media.resolve("photo.raw"))).isEqualTo(photo);
        assertThat(Files.readString(media.resolve("note.txt"))).isEqualTo("hello");
    }

    private static String sha256(InputStream stream) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = stream) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
