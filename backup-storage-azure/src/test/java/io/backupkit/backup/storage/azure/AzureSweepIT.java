package io.backupkit.backup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.backupkit.backup.spi.ObjectWrite;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a killed write leaves on Azure (blocks staged, no block list) is invisible, and {@code sweep}
 * deletes it once older than the grace period, without touching committed blobs, blobs of other
 * prefixes, or a committed blob's content. A write closed without commit deletes its own blocks.
 */
class AzureSweepIT {
    @RegisterExtension
    static final AzuriteServer AZURITE = new AzuriteServer();

    private static final int BLOCK = 64 * 1024;

    @Test
    void sweepDeletesUncommittedBlobsOlderThanTheGraceAndNothingElse() throws Exception {
        String container = AZURITE.newContainer();
        try (AzureStorage storage = AZURITE.storage(container, "app", Map.of("block_size", BLOCK))) {
            write(storage, "kept.manifest.json", 10);
            // what a create killed mid-upload leaves: staged blocks under its name, no block list
            stage(container, "app/killed.media.tar", 3);
            // another prefix's leftovers are not ours
            stage(container, "other/killed.media.tar", 1);

            assertThat(storage.list("")).extracting(o -> o.name()).containsExactly("kept.manifest.json");
            assertThat(AZURITE.uncommitted(container, ""))
                    .containsExactlyInAnyOrder("app/killed.media.tar", "other/killed.media.tar");

            Instant now = Instant.now().plusSeconds(5); // past the server's last-modified time
            assertThat(storage.sweep(Duration.ofHours(1), now, false)).isEmpty();
            assertThat(storage.sweep(Duration.ZERO, now, true))
                    .singleElement()
                    .asString()
                    .startsWith("uncommitted blocks of killed.media.tar");
            assertThat(AZURITE.uncommitted(container, "app/")).containsExactly("app/killed.media.tar");

            assertThat(storage.sweep(Duration.ZERO, now, false))
                    .singleElement()
                    .asString()
                    .startsWith("uncommitted blocks of killed.media.tar");
            assertThat(AZURITE.uncommitted(container, "")).containsExactly("other/killed.media.tar");
            assertThat(storage.list("")).extracting(o -> o.name()).containsExactly("kept.manifest.json");
            assertThat(storage.sweep(Duration.ZERO, now, false)).isEmpty();
        }
    }

    @Test
    void uncommittedBlocksOnACommittedBlobLeaveItsContentAlone() throws Exception {
        String container = AZURITE.newContainer();
        try (AzureStorage storage = AZURITE.storage(container, "app", Map.of("block_size", BLOCK))) {
            byte[] content = write(storage, "replaced.db.sql", 3 * BLOCK + 5);
            stage(container, "app/replaced.db.sql", 2);
            storage.sweep(Duration.ZERO, Instant.now().plusSeconds(5), false);
            try (var in = storage.openRead("replaced.db.sql")) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
    }

    @Test
    void closeWithoutCommitDeletesTheStagedBlocks() throws Exception {
        String container = AZURITE.newContainer();
        try (AzureStorage storage = AZURITE.storage(container, "app", Map.of("block_size", BLOCK))) {
            AzureObjectWrite w = (AzureObjectWrite) storage.openWrite("aborted.media.tar");
            w.stream().write(new byte[5 * BLOCK]);
            assertThat(w.blocks()).isEqualTo(5);
            assertThat(w.buffersAllocated()).isLessThanOrEqualTo(2);
            w.close();
            assertThat(AZURITE.uncommitted(container, "")).isEmpty();
            assertThat(storage.list("")).isEmpty();
        }
    }

    private static byte[] write(AzureStorage storage, String name, int size) throws Exception {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        try (ObjectWrite w = storage.openWrite(name)) {
            w.stream().write(content);
            w.commit();
        }
        return content;
    }

    private static void stage(String container, String blob, int blocks) {
        BlockBlobClient client =
                AZURITE.container(container).getBlobClient(blob).getBlockBlobClient();
        for (int i = 0; i < blocks; i++) {
            String id = Base64.getEncoder()
                    .encodeToString(("killed-" + String.format("%06d", i)).getBytes(StandardCharsets.US_ASCII));
            client.stageBlock(id, BinaryData.fromBytes(new byte[BLOCK]));
        }
    }
}
