package io.backupkit.backup.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline on its own, with a store that keeps parts in memory and can be told to fail one. */
class PartUploadsTest {
    private final ExecutorService executor = PartUploads.newExecutor("part-uploads-test");

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** Keeps parts in memory; part {@code failAt} (if set) fails; records what the pipeline asked for. */
    private static final class MemoryTarget implements PartUploads.Target {
        final Map<Integer, byte[]> parts = new ConcurrentSkipListMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        volatile int maxInFlight;
        int failAt = -1;
        byte[] stored;

        @Override
        public int partSize(int index) {
            return 1000;
        }

        @Override
        public void beforePart(int index) {
            if (index == 0) {
                calls.add("start");
            }
        }

        @Override
        public void uploadPart(int index, byte[] data, int size) throws Exception {
            maxInFlight = Math.max(maxInFlight, inFlight.incrementAndGet());
            try {
                Thread.sleep(5);
                if (index == failAt) {
                    throw new IOException("part " + index + " refused");
                }
                parts.put(index, Arrays.copyOf(data, size));
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public UnableToStoreException partFailed(Throwable failure) {
            return new UnableToStoreException(
                    "memory", "obj", true, "cannot store obj: " + failure.getMessage(), failure);
        }

        @Override
        public StoredObject complete(int count, long total) {
            calls.add("complete " + count);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            parts.values().forEach(all::writeBytes);
            stored = all.toByteArray();
            return new StoredObject("obj", total, Instant.now(), null);
        }

        @Override
        public StoredObject putWhole(byte[] data, int size) {
            calls.add("put " + size);
            stored = Arrays.copyOf(data, size);
            return new StoredObject("obj", size, Instant.now(), null);
        }

        @Override
        public void aborted(int count, long total) {
            calls.add("aborted " + count);
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    @Test
    void partsAreUploadedInParallelWithAtMostParallelBuffersAndCompletedInOrder() throws Exception {
        MemoryTarget target = new MemoryTarget();
        PartUploads w = new PartUploads(target, executor, "obj", "part", 2);
        byte[] data = bytes(10_500);
        try (OutputStream out = w.stream()) {
            for (int off = 0; off < data.length; off += 333) {
                out.write(data, off, Math.min(333, data.length - off));
            }
        }
        assertThat(w.commit().size()).isEqualTo(10_500);
        assertThat(target.stored).isEqualTo(data);
        assertThat(target.calls).containsExactly("start", "complete 11");
        assertThat(w.buffersAllocated()).isLessThanOrEqualTo(2);
        assertThat(target.maxInFlight).isLessThanOrEqualTo(2);
    }

    @Test
    void anObjectSmallerThanOnePartIsOnePut() throws Exception {
        MemoryTarget target = new MemoryTarget();
        PartUploads w = new PartUploads(target, executor, "obj", "part", 2);
        w.stream().write(bytes(999));
        w.commit();
        assertThat(target.calls).containsExactly("put 999");
        assertThat(target.stored).isEqualTo(bytes(999));
    }

    @Test
    void aFailedPartAbortsTheWriteOnceAndCommitSaysWhy() throws Exception {
        MemoryTarget target = new MemoryTarget();
        target.failAt = 1;
        PartUploads w = new PartUploads(target, executor, "obj", "part", 2);
        byte[] data = bytes(2_500);
        assertThatThrownBy(() -> {
                    w.stream().write(data);
                    w.commit();
                })
                .isInstanceOf(UnableToStoreException.class)
                .hasMessageContaining("part 1 refused");
        w.close();
        assertThat(target.calls).first().isEqualTo("start");
        assertThat(target.calls).filteredOn(c -> c.startsWith("aborted")).hasSize(1);
        assertThat(target.calls).noneMatch(c -> c.startsWith("complete"));
        assertThatThrownBy(() -> w.stream().write(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the write of obj is already aborted");
    }

    @Test
    void closeWithoutCommitAbortsAfterThePartsInFlight() throws Exception {
        MemoryTarget target = new MemoryTarget();
        PartUploads w = new PartUploads(target, executor, "obj", "block", 3);
        w.stream().write(bytes(3_200));
        w.close();
        w.close();
        assertThat(target.calls).containsExactly("start", "aborted 3");
        assertThat(target.inFlight).hasValue(0);
    }
}
