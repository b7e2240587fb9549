package io.backupkit.backup.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.tck.TcpRelay;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection reset in the middle of a write or a read (a {@link TcpRelay} in front of the sshd
 * cuts it): the storage reconnects and resumes at the acknowledged offset, and the stored bytes are
 * exactly the written ones; a connection that keeps breaking fails after the bounded attempts with
 * nothing published.
 */
@Timeout(120)
class SftpDroppedConnectionIT {
    @RegisterExtension
    static final SshdServer SERVER = new SshdServer();

    private static final int MIB = 1024 * 1024;

    private TcpRelay relay;

    @AfterEach
    void closeRelay() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    /** A relay whose first {@code cutConnections} connections are reset after {@code upBytes} sent up / {@code downBytes} sent down. */
    private TcpRelay relay(int cutConnections, long upBytes, long downBytes, AtomicInteger connections)
            throws Exception {
        return TcpRelay.start(SERVER.port(), "cutting-relay", (r, client) -> {
            boolean cut = connections.incrementAndGet() <= cutConnections;
            Socket upstream = r.connectUpstream();
            TcpRelay.daemon(
                    "relay-up",
                    () -> TcpRelay.pump(client, upstream, TcpRelay.UNLIMITED, cut ? upBytes : TcpRelay.NO_CUT));
            TcpRelay.pump(upstream, client, TcpRelay.UNLIMITED, cut ? downBytes : TcpRelay.NO_CUT);
        });
    }

    private SftpStorage storage(Path folder) {
        Map<String, Object> o = SERVER.options(relay.port(), "ed25519");
        return SERVER.storage(folder, o);
    }

    @Test
    void aWriteCutMidwayReconnectsAndStoresExactlyTheBytes() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        relay = relay(1, 3 * MIB, TcpRelay.NO_CUT, connections);
        Path folder = SERVER.newFolder();
        byte[] content = new byte[8 * MIB + 123];
        new Random(1).nextBytes(content);
        try (SftpStorage storage = storage(folder)) {
            StoredObject stored;
            try (ObjectWrite w = storage.openWrite("cut.bin")) {
                for (int off = 0; off < content.length; off += 100_000) {
                    w.stream().write(content, off, Math.min(100_000, content.length - off));
                }
                stored = w.commit();
            }
            assertThat(stored.size()).isEqualTo(content.length);
        }
        assertThat(connections.get()).as("connections through the relay").isGreaterThanOrEqualTo(2);
        byte[] stored = Files.readAllBytes(folder.resolve("cut.bin"));
        int diff = Arrays.mismatch(stored, content);
        assertThat(diff).as("first differing byte of %d", content.length).isEqualTo(-1);
        assertThat(SshdServer.filesIn(folder)).containsExactly("cut.bin");
    }

    @Test
    void aReadCutMidwayResumesAtItsPosition() throws Exception {
        Path folder = Files.createDirectories(SERVER.newFolder());
        byte[] content = new byte[6 * MIB + 7];
        new Random(2).nextBytes(content);
        Files.write(folder.resolve("read.bin"), content);
        AtomicInteger connections = new AtomicInteger();
        relay = relay(1, TcpRelay.NO_CUT, 2 * MIB, connections);
        try (SftpStorage storage = storage(folder);
                InputStream in = storage.openRead("read.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(connections.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aConnectionThatKeepsBreakingFailsAfterTheAttemptsWithNothingPublished() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        relay = relay(Integer.MAX_VALUE, 1 * MIB, TcpRelay.NO_CUT, connections);
        Path folder = SERVER.newFolder();
        byte[] content = new byte[6 * MIB];
        new Random(3).nextBytes(content);
        try (SftpStorage storage = storage(folder)) {
            Throwable t = catchThrowable(() -> {
                try (ObjectWrite w = storage.openWrite("never.bin")) {
                    w.stream().write(content);
                    w.commit();
                }
            });
            assertThat(t).isInstanceOf(UnableToStoreException.class).hasMessageContaining("broke");
            assertThat(((UnableToStoreException) t).isTransient()).isTrue();
            assertThat(storage.stat("never.bin")).isEmpty();
        }
        assertThat(connections.get()).isBetween(2, SftpSettings.DEFAULT_MAX_ATTEMPTS + 3);
        assertThat(SshdServer.filesIn(folder)).doesNotContain("never.bin").allMatch(n -> n.endsWith(".partial"));
    }
}
