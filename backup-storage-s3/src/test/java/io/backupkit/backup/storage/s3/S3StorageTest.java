package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** {@link S3Storage} against S3Proxy over HTTP: writes, reads, listing, conditional writes, sweep. */
class S3StorageTest {
    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static final int PART = 5 * 1024 * 1024;

    private String bucket;
    private S3Storage storage;

    @BeforeEach
    void setUp() {
        bucket = SERVER.newBucket();
        storage = SERVER.storage(bucket, "backups/app", Map.of("part_size", PART, "parallel_parts", 2));
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private StoredObject write(String name, byte[] data, int chunk) throws IOException {
        try (ObjectWrite w = storage.openWrite(name)) {
            for (int off = 0; off < data.length; off += chunk) {
                w.stream().write(data, off, Math.min(chunk, data.length - off));
            }
            return w.commit();
        }
    }

    @Test
    void describeShowsBucketAndPrefixOnly() {
        assertThat(storage.describe()).isEqualTo("s3://" + bucket + "/backups/app/");
        assertThat(storage.describe()).doesNotContain(S3ProxyServer.SECRET_KEY, S3ProxyServer.ACCESS_KEY);
    }

    @Test
    void smallObjectIsOnePutAtCommitAndInvisibleBefore() throws IOException {
        byte[] data = "hello s3".getBytes(StandardCharsets.UTF_8);
        try (ObjectWrite w = storage.openWrite("small.txt")) {
            w.stream().write(data);
            assertThat(storage.stat("small.txt")).isEmpty();
            assertThat(SERVER.uploads(bucket)).isEmpty();
            StoredObject o = w.commit();
            assertThat(o.size()).isEqualTo(data.length);
            assertThat(o.version()).isNotBlank();
        }
        assertThat(readAll(storage.openRead("small.txt"))).isEqualTo(data);
        HeadObjectResponse head =
                SERVER.admin().headObject(b -> b.bucket(bucket).key("backups/app/small.txt"));
        assertThat(head.contentLength()).isEqualTo(data.length);
    }

    @Test
    void emptyObject() throws IOException {
        try (ObjectWrite w = storage.openWrite("empty")) {
            assertThat(w.commit().size()).isZero();
        }
        assertThat(storage.stat("empty")).get().extracting(StoredObject::size).isEqualTo(0L);
        assertThat(readAll(storage.openRead("empty"))).isEmpty();
    }

    @Test
    void largeObjectSpansManyPartsAndRoundTrips() throws IOException {
        byte[] data = random(PART * 3 + 123, 1);
        StoredObject committed;
        try (ObjectWrite w = storage.openWrite("big.bin")) {
            for (int off = 0; off < data.length; off += 10_000) {
                w.stream().write(data, off, Math.min(10_000, data.length - off));
            }
            // parts are uploading, but nothing is visible yet
            assertThat(storage.stat("big.bin")).isEmpty();
            assertThat(SERVER.uploads(bucket)).hasSize(1);
            assertThat(((S3ObjectWrite) w).uploadId()).isNotNull();
            committed = w.commit();
            // bounded memory: four parts went through at most parallel_parts (2) buffers
            assertThat(((S3ObjectWrite) w).buffersAllocated()).isBetween(1, 2);
        }
        assertThat(committed.size()).isEqualTo(data.length);
        assertThat(SERVER.uploads(bucket)).isEmpty();
        assertThat(readAll(storage.openRead("big.bin"))).isEqualTo(data);
        StoredObject stat = storage.stat("big.bin").orElseThrow();
        assertThat(stat.size()).isEqualTo(data.length);
        assertThat(stat.version()).isEqualTo(committed.version());
        // a multipart ETag says how many parts: "<md5>-8"
        assertThat(stat.version()).endsWith("-4\"");
    }

    @Test
    void exactMultipleOfThePartSize() throws IOException {
        byte[] data = random(PART * 2, 2);
        StoredObject o = write("exact.bin", data, PART);
        assertThat(o.version()).endsWith("-2\"");
        assertThat(readAll(storage.openRead("exact.bin"))).isEqualTo(data);
    }

    @Test
    void singleByteWritesWork() throws IOException {
        byte[] data = random(PART + 10, 3);
        try (ObjectWrite w = storage.openWrite("bytes.bin")) {
            // single bytes across the buffer growth steps and the part boundary, bulk in between
            for (int i = 0; i < 300_000; i++) {
                w.stream().write(data[i]);
            }
            w.stream().write(data, 300_000, PART - 300_005);
            for (int i = PART - 5; i < data.length; i++) {
                w.stream().write(data[i]);
            }
            w.commit();
        }
        assertThat(readAll(storage.openRead("bytes.bin"))).isEqualTo(data);
    }

    @Test
    void rangedReadFromOffset() throws IOException {
        byte[] data = random(PART + 5, 4);
        write("range.bin", data, 4096);
        byte[] tail = readAll(storage.openRead("range.bin", PART + 3));
        assertThat(tail).isEqualTo(Arrays.copyOfRange(data, PART + 3, data.length));
        assertThat(readAll(storage.openRead("range.bin", data.length))).isEmpty();
    }

    @Test
    void closingAReadEarlyDoesNotDrain() throws IOException {
        byte[] data = random(PART + 1, 5);
        write("partial.bin", data, PART);
        try (InputStream in = storage.openRead("partial.bin")) {
            assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(data, 10));
        }
        // the storage still works (the connection was aborted, not leaked)
        assertThat(readAll(storage.openRead("partial.bin", 1))).hasSize(data.length - 1);
    }

    @Test
    void missingObject() throws IOException {
        assertThat(storage.stat("nope")).isEmpty();
        assertThatThrownBy(() -> storage.openRead("nope"))
                .isInstanceOf(StoredObjectNotFoundException.class)
                .hasMessageContaining("nope");
        storage.delete("nope"); // not an error
    }

    @Test
    void commitReplacesAnExistingObject() throws IOException {
        StoredObject first = write("same", "one".getBytes(StandardCharsets.UTF_8), 10);
        StoredObject second = write("same", "two!".getBytes(StandardCharsets.UTF_8), 10);
        assertThat(second.version()).isNotEqualTo(first.version());
        assertThat(new String(readAll(storage.openRead("same")), StandardCharsets.UTF_8))
                .isEqualTo("two!");
    }

    @Test
    void listReturnsNamesRelativeToThePrefixAcrossPages() throws IOException {
        for (int i = 0; i < 7; i++) {
            write("a-" + i, new byte[] {(byte) i}, 1);
        }
        write("b-0", new byte[] {1, 2}, 2);
        // objects this storage does not own: another prefix, a deeper "folder", a sibling prefix
        SERVER.admin().putObject(b -> b.bucket(bucket).key("other/a-1"), RequestBody.fromString("x"));
        SERVER.admin().putObject(b -> b.bucket(bucket).key("backups/app/sub/a-9"), RequestBody.fromString("x"));
        SERVER.admin().putObject(b -> b.bucket(bucket).key("backups/application-a-2"), RequestBody.fromString("x"));

        storage.listPageSize(3); // force several pages
        List<StoredObject> all = storage.list("");
        assertThat(all)
                .extracting(StoredObject::name)
                .containsExactlyInAnyOrder("a-0", "a-1", "a-2", "a-3", "a-4", "a-5", "a-6", "b-0");
        assertThat(storage.list("a-")).hasSize(7);
        assertThat(storage.list("b")).singleElement().satisfies(o -> {
            assertThat(o.size()).isEqualTo(2);
            assertThat(o.version()).isNotBlank();
            assertThat(o.modified()).isAfter(Instant.now().minus(Duration.ofMinutes(5)));
        });
        assertThat(storage.list("zzz")).isEmpty();

        storage.delete("a-3");
        assertThat(storage.list("a-")).hasSize(6);
    }

    @Test
    void emptyLocationUsesTheBucketRoot() throws IOException {
        try (S3Storage root = SERVER.storage(bucket, "", Map.of())) {
            assertThat(root.describe()).isEqualTo("s3://" + bucket + "/");
            try (ObjectWrite w = root.openWrite("top")) {
                w.stream().write(1);
                w.commit();
            }
            assertThat(root.list("")).extracting(StoredObject::name).containsExactly("top");
        }
        assertThat(storage.list("")).isEmpty();
    }

    @Test
    void createIfAbsentIsConditional() throws IOException {
        assertThat(storage.createIfAbsent("lease", "one".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(storage.createIfAbsent("lease", "two".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(new String(readAll(storage.openRead("lease")), StandardCharsets.UTF_8))
                .isEqualTo("one");
    }

    @Test
    void createIfAbsentHasOneWinnerUnderContention() throws Exception {
        int threads = 6;
        for (int round = 0; round < 3; round++) {
            String name = "race-" + round;
            CyclicBarrier barrier = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    byte[] content = ("holder-" + i).getBytes(StandardCharsets.UTF_8);
                    Callable<Boolean> c = () -> {
                        barrier.await();
                        return storage.createIfAbsent(name, content);
                    };
                    results.add(pool.submit(c));
                }
                int winners = 0;
                for (Future<Boolean> f : results) {
                    winners += f.get() ? 1 : 0;
                }
                assertThat(winners).as("round %d", round).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void deleteIfUnchangedComparesTheEtag() throws IOException {
        assertThat(storage.createIfAbsent("lease", "old".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        StoredObject old = storage.stat("lease").orElseThrow();
        // someone replaces it: the old version must not be deleted
        storage.delete("lease");
        assertThat(storage.createIfAbsent("lease", "new one".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(storage.deleteIfUnchanged(old)).isFalse();
        assertThat(storage.stat("lease")).isPresent();

        StoredObject current = storage.stat("lease").orElseThrow();
        assertThat(storage.deleteIfUnchanged(current)).isTrue();
        assertThat(storage.stat("lease")).isEmpty();
        assertThat(storage.deleteIfUnchanged(current)).isFalse();
    }

    @Test
    void sweepAbortsStaleUploadsUnderThePrefixOnly() throws IOException {
        String mine = SERVER.admin()
                .createMultipartUpload(CreateMultipartUploadRequest.builder()
                        .bucket(bucket)
                        .key("backups/app/orphan.bin")
                        .build())
                .uploadId();
        SERVER.admin()
                .createMultipartUpload(CreateMultipartUploadRequest.builder()
                        .bucket(bucket)
                        .key("elsewhere/orphan.bin")
                        .build());
        assertThat(SERVER.uploads(bucket)).hasSize(2);

        // not old enough yet
        assertThat(storage.sweep(Duration.ofHours(1), Instant.now(), false)).isEmpty();

        List<String> dry = storage.sweep(Duration.ofMinutes(1), Instant.now().plus(Duration.ofHours(2)), true);
        assertThat(dry).singleElement().asString().contains("orphan.bin", mine);
        assertThat(SERVER.uploads(bucket)).hasSize(2);

        List<String> removed =
                storage.sweep(Duration.ofMinutes(1), Instant.now().plus(Duration.ofHours(2)), false);
        assertThat(removed).hasSize(1);
        assertThat(SERVER.uploads(bucket))
                .singleElement()
                .extracting(u -> u.key())
                .isEqualTo("elsewhere/orphan.bin");
        // committed objects are untouched
        write("kept", new byte[] {1}, 1);
        storage.sweep(Duration.ZERO, Instant.now().plus(Duration.ofHours(2)), false);
        assertThat(storage.stat("kept")).isPresent();
    }

    @Test
    void checksumWhenRequiredAlsoWorks() throws IOException {
        try (S3Storage plain = SERVER.storage(
                bucket, "plain", Map.of("part_size", PART, "checksum", "when_required", "parallel_parts", 1))) {
            byte[] data = random(PART * 2 + 7, 7);
            try (ObjectWrite w = plain.openWrite("x.bin")) {
                w.stream().write(data);
                w.commit();
            }
            assertThat(readAll(plain.openRead("x.bin"))).isEqualTo(data);
        }
    }

    @Test
    void writesRunConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            byte[] a = random(PART + 11, 8);
            byte[] b = random(PART + 13, 9);
            Future<StoredObject> fa = pool.submit(() -> write("dump", a, 7000));
            Future<StoredObject> fb = pool.submit(() -> write("media", b, 9000));
            assertThat(fa.get().size()).isEqualTo(a.length);
            assertThat(fb.get().size()).isEqualTo(b.length);
            assertThat(readAll(storage.openRead("dump"))).isEqualTo(a);
            assertThat(readAll(storage.openRead("media"))).isEqualTo(b);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsNamesWithSlashes() {
        assertThatThrownBy(() -> storage.openWrite("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.stat("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storageClassIsApplied() throws IOException {
        try (S3Storage ia = SERVER.storage(bucket, "ia", Map.of("storage_class", "standard_ia"))) {
            try (ObjectWrite w = ia.openWrite("small")) {
                w.stream().write(1);
                w.commit();
            }
        }
        HeadObjectResponse head =
                SERVER.admin().headObject(b -> b.bucket(bucket).key("ia/small"));
        assertThat(head.storageClass()).isEqualTo(StorageClass.STANDARD_IA);
    }

    @Test
    void serverSideEncryptionIsRequested() throws IOException {
        try (S3Storage sse = SERVER.storage(bucket, "sse", Map.of("sse", "AES256", "part_size", PART))) {
            try (ObjectWrite w = sse.openWrite("small")) {
                w.stream().write(1);
                w.commit();
            }
            try (ObjectWrite w = sse.openWrite("large")) {
                w.stream().write(random(PART + 1, 11));
                w.commit();
            }
            assertThat(sse.createIfAbsent("lease", new byte[] {1})).isTrue();
        }
        for (String key : List.of("sse/small", "sse/large", "sse/lease")) {
            HeadObjectResponse head =
                    SERVER.admin().headObject(b -> b.bucket(bucket).key(key));
            assertThat(head.serverSideEncryption()).as(key).isEqualTo(ServerSideEncryption.AES256);
        }
    }
}
