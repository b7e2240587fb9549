package io.backupkit.backup.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.tck.FaultInjectingStorage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TCK's fault injector over a real {@link MemoryStorage}. */
class FaultInjectingStorageTest {
    private final String namespace = "faults-" + UUID.randomUUID();
    private final MemoryStorage memory = new MemoryStorage(namespace);
    private final FaultInjectingStorage storage = new FaultInjectingStorage(memory);

    @AfterEach
    void drop() {
        MemoryStorage.dropNamespace(namespace);
    }

    @Test
    void writeFailsOnceAfterNBytesThenSucceeds() throws IOException {
        storage.failWriteAfter(1000, true);
        byte[] content = bytes(5000);

        ObjectWrite first = storage.openWrite("a.bin");
        first.stream().write(content, 0, 600);
        assertThatThrownBy(() -> first.stream().write(content, 600, 600))
                .isInstanceOf(FaultInjectingStorage.InjectedFault.class)
                .hasMessageContaining("after 1000 bytes");
        assertThatThrownBy(first::commit).isInstanceOf(FaultInjectingStorage.InjectedFault.class);
        first.close();
        assertThat(storage.stat("a.bin")).isEmpty();
        assertThat(storage.injectedFaults()).isEqualTo(1);

        // the retry goes through, byte-identical (T3)
        try (ObjectWrite retry = storage.openWrite("a.bin")) {
            retry.stream().write(content);
            retry.commit();
        }
        assertThat(read("a.bin", 0)).isEqualTo(content);
        assertThat(storage.injectedFaults()).isEqualTo(1);
    }

    @Test
    void aShortWriteDoesNotConsumeTheOnceFault() throws IOException {
        storage.failWriteAfter(100, true);
        try (ObjectWrite small = storage.openWrite("small.bin")) {
            small.stream().write(bytes(100));
            small.commit();
        }
        try (ObjectWrite big = storage.openWrite("big.bin")) {
            for (int i = 0; i < 100; i++) {
                big.stream().write(i);
            }
            assertThatThrownBy(() -> big.stream().write(0)).isInstanceOf(FaultInjectingStorage.InjectedFault.class);
        }
        assertThat(storage.stat("small.bin")).isPresent();
        assertThat(storage.stat("big.bin")).isEmpty();
    }

    @Test
    void writeFailsAlwaysAndOnlyForSelectedObjects() throws IOException {
        storage.failWriteAfter(0, false).onlyFor(n -> n.endsWith(".zst"));
        for (int i = 0; i < 2; i++) {
            try (ObjectWrite w = storage.openWrite("dump.zst")) {
                assertThatThrownBy(() -> w.stream().write(1)).isInstanceOf(IOException.class);
            }
        }
        try (ObjectWrite w = storage.openWrite("manifest.json")) {
            w.stream().write(bytes(10));
            w.commit();
        }
        assertThat(storage.list("")).extracting(o -> o.name()).containsExactly("manifest.json");
        assertThat(storage.injectedFaults()).isEqualTo(2);
    }

    @Test
    void commitFailsOnce() throws IOException {
        storage.failCommit(true);
        try (ObjectWrite w = storage.openWrite("m.json")) {
            w.stream().write(bytes(10));
            assertThatThrownBy(w::commit).isInstanceOf(FaultInjectingStorage.InjectedFault.class);
        }
        assertThat(storage.stat("m.json")).isEmpty();
        try (ObjectWrite w = storage.openWrite("m.json")) {
            w.stream().write(bytes(10));
            w.commit();
        }
        assertThat(storage.stat("m.json")).isPresent();
    }

    @Test
    void flipsOneByteOnReadWithoutChangingTheStoredObject() throws IOException {
        byte[] content = bytes(10_000);
        write("x.bin", content);
        storage.flipByteOnRead(5000);

        byte[] read = read("x.bin", 0);
        assertThat(read).hasSize(10_000);
        assertThat(read[5000]).isEqualTo((byte) ~content[5000]);
        read[5000] = content[5000];
        assertThat(read).isEqualTo(content);

        byte[] ranged = read("x.bin", 4000);
        assertThat(ranged[1000]).isEqualTo((byte) ~content[5000]);
        try (InputStream in = storage.openRead("x.bin", 4999)) {
            assertThat(in.read()).isEqualTo(content[4999] & 0xff);
            assertThat(in.read()).isEqualTo(~content[5000] & 0xff);
        }
        assertThat(memory.openRead("x.bin").readAllBytes()).isEqualTo(content);
        storage.clearFaults();
        assertThat(read("x.bin", 0)).isEqualTo(content);
    }

    @Test
    void truncatesReads() throws IOException {
        byte[] content = bytes(10_000);
        write("x.bin", content);
        storage.truncateReadsAt(8192);

        assertThat(read("x.bin", 0)).isEqualTo(Arrays.copyOf(content, 8192));
        assertThat(read("x.bin", 8000)).hasSize(192);
        assertThat(storage.stat("x.bin").orElseThrow().size()).isEqualTo(10_000);
        assertThat(storage.injectedFaults()).isEqualTo(2);
    }

    @Test
    void failsReadsAtAPosition() throws IOException {
        byte[] content = bytes(10_000);
        write("x.bin", content);
        storage.failReadAfter(6000);

        try (InputStream in = storage.openRead("x.bin")) {
            byte[] head = in.readNBytes(6000);
            assertThat(head).isEqualTo(Arrays.copyOf(content, 6000));
            assertThatThrownBy(in::read)
                    .isInstanceOf(FaultInjectingStorage.InjectedFault.class)
                    .hasMessageContaining("at byte 6000");
        }
        try (InputStream in = storage.openRead("x.bin", 5990)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(FaultInjectingStorage.InjectedFault.class);
        }
        assertThat(storage.injectedFaults()).isEqualTo(2);
        storage.clearFaults();
        assertThat(read("x.bin", 0)).isEqualTo(content);
    }

    private void write(String name, byte[] content) throws IOException {
        try (ObjectWrite w = storage.openWrite(name)) {
            w.stream().write(content);
            w.commit();
        }
    }

    private byte[] read(String name, long offset) throws IOException {
        try (InputStream in = storage.openRead(name, offset)) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
