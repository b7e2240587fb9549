package io.backupkit.backup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.tck.TcpRelay;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection cut in the middle of a staged block is a transient failure: the SDK sends the block
 * again from its buffer on a new connection and the committed blob is whole.
 */
class AzureRetryIT {
    @RegisterExtension
    static final AzuriteServer AZURITE = new AzuriteServer();

    private static final int BLOCK = 256 * 1024;

    @Test
    void aBlockCutOffMidwayIsSentAgainAndTheBlobIsWhole() throws Exception {
        String container = AZURITE.newContainer();
        AtomicInteger connections = new AtomicInteger();
        try (TcpRelay relay = TcpRelay.start(AZURITE.port(), "cutting-relay", (r, client) -> {
            Socket upstream = r.connectUpstream();
            // the first connection dies after 600 KB sent: in the middle of the third block
            long cut = connections.getAndIncrement() == 0 ? 600_000 : TcpRelay.NO_CUT;
            TcpRelay.daemon("cutting-relay-up", () -> TcpRelay.pump(client, upstream, TcpRelay.UNLIMITED, cut));
            TcpRelay.pump(upstream, client, TcpRelay.UNLIMITED, TcpRelay.NO_CUT);
        })) {
            byte[] content = new byte[4 * BLOCK + 77];
            new Random(3).nextBytes(content);
            try (AzureStorage storage = AZURITE.storage(
                    container,
                    "retry",
                    Map.of(
                            "endpoint",
                            relay.endpoint() + "/" + AzuriteServer.ACCOUNT,
                            "block_size",
                            BLOCK,
                            "parallel_blocks",
                            1))) {
                try (ObjectWrite w = storage.openWrite("cut.bin")) {
                    w.stream().write(content);
                    assertThat(w.commit().size()).isEqualTo(content.length);
                }
            }
            assertThat(connections.get()).as("a new connection after the cut").isGreaterThanOrEqualTo(2);
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            AZURITE.container(container).getBlobClient("retry/cut.bin").downloadStream(stored);
            assertThat(stored.toByteArray()).isEqualTo(content);
            assertThat(AZURITE.uncommitted(container, "")).isEmpty();
        }
    }
}
