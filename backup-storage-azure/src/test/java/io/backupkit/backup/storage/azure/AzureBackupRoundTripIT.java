package io.backupkit.backup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlockListType;
import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.tck.fixtures.RoundTripFixture;
import java.nio.file.Path;
import java.util.Map;
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
        RoundTripFixture fixture = RoundTripFixture.create(tmp, 5 * MIB);

        Map<String, Object> options = AZURITE.options(container);
        options.put("block_size", "1MiB");
        try (BackupManager backups = fixture.manager("azure-test")
                .storage("azure", "apps/test", options)
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
                assertThat(RoundTripFixture.sha256(client.openInputStream()))
                        .as("SHA-256 of %s", name)
                        .isEqualTo(artifact.sha256());
            }
            assertThat(AZURITE.uncommitted(container, ""))
                    .as("uncommitted blobs")
                    .isEmpty();
            assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).ok()).isTrue();

            fixture.changeAndRestore(backups, info.id().value());
        }
        fixture.assertAsCreated();
    }
}
