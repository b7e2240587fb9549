package io.backupkit.backup.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link BackupStorage} must pass. A provider module
 * has one test class that extends this one and says how to make a fresh, empty storage:
 *
 * <pre>{@code
 * class S3StorageContractTest extends BackupStorageContract {
 *     protected BackupStorage createStorage() {
 *         return new S3StorageProvider().create(new StorageConfig("s3://bucket/" + UUID.randomUUID(), options));
 *     }
 *
 *     protected long largeObjectSize() {
 *         return 3 * PART_SIZE + 12345; // spans several multipart parts
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets its own storage from {@link #createStorage()} and the contract closes it
 * afterwards. {@code createStorage()} is called from the contract's {@code @BeforeEach}, which
 * JUnit runs before a subclass's own {@code @BeforeEach} methods: start servers (S3Proxy, a fake
 * Dropbox) in {@code @BeforeAll} or a JUnit extension, and give each storage a fresh prefix. Hooks with defaults tune sizes ({@link #largeObjectSize()}, {@link
 * #manyObjectsCount()}, {@link #threads()}); a backend that cannot offer a capability overrides
 * the matching {@code supports...} hook and the affected tests are skipped with a reason, never
 * silently passed.
 *
 * <p>What is covered: commit makes the exact bytes visible (empty, small, large written in odd
 * chunks); a write closed without commit or failing midway leaves nothing visible; commit replaces
 * atomically; stat, list by prefix, ranged reads, idempotent delete; {@code createIfAbsent} and
 * {@code deleteIfUnchanged} under contention (the basis of the storage lease); concurrent writes;
 * {@code sweep} never touches committed objects.
 */
public abstract class BackupStorageContract {
    // Long on purpose: one contract; each test is one guarantee a storage gives.

    private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(10);

    private BackupStorage storage;

    /** A fresh, empty storage; called once before each test. The contract closes it afterwards. */
    protected abstract BackupStorage createStorage() throws Exception;

    /**
     * Size of the large object test. Providers with multipart uploads override it so the object spans
     * several parts (and ends in a partial part).
     */
    protected long largeObjectSize() {
        return 12L * 1024 * 1024;
    }

    /** How many objects the listing test creates; raise it past the backend's page size. */
    protected int manyObjectsCount() {
        return 30;
    }

    /** How many threads race in the concurrency tests. */
    protected int threads() {
        return 8;
    }

    /**
     * Whether {@link BackupStorage#createIfAbsent} is atomic between concurrent callers. A backend
     * without any conditional write overrides this to return {@code false}; it then cannot host the
     * storage lease, and the racing tests are skipped with that reason.
     */
    protected boolean supportsConcurrentLeases() {
        return true;
    }

    /**
     * Whether {@link StoredObject#version()} is set and {@link BackupStorage#deleteIfUnchanged} works.
     * A backend without object versions overrides this to return {@code false}.
     */
    protected boolean supportsConditionalDelete() {
        return true;
    }

    /** The storage of the running test, for subclasses that add their own tests. */
    protected final BackupStorage storage() {
        return storage;
    }

    @BeforeEach
    final void openStorage() throws Exception {
        storage = createStorage();
        assertThat(storage).as("createStorage()").isNotNull();
        assertThat(storage.list(""))
                .as("createStorage() must return an empty storage")
                .isEmpty();
    }

    @AfterEach
    final void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    // ---------------------------------------------------------------- write and commit

    @Test
    void commitMakesSmallObjectVisibleWithExactBytes() throws IOException {
        byte[] content = "hello, backup\n".getBytes(StandardCharsets.UTF_8);
        StoredObject committed = write("small.txt", content);

        assertThat(committed.name()).isEqualTo("small.txt");
        assertThat(committed.size()).isEqualTo(content.length);
        assertThat(read("small.txt")).isEqualTo(content);
        assertThat(storage.stat("small.txt"))
                .get()
                .extracting(StoredObject::size)
                .isEqualTo((long) content.length);
    }

    @Test
    void commitMakesEmptyObjectVisible() throws IOException {
        StoredObject committed = write("empty.bin", new byte[0]);

        assertThat(committed.size()).isZero();
        assertThat(storage.stat("empty.bin"))
                .get()
                .extracting(StoredObject::size)
                .isEqualTo(0L);
        assertThat(read("empty.bin")).isEmpty();
        assertThat(names(storage.list(""))).containsExactly("empty.bin");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void commitMakesLargeObjectVisibleWrittenInOddChunks() throws Exception {
        long size = largeObjectSize();
        MessageDigest written = sha256();
        int[] chunks = {1, 7, 8191, 65_537, 1_000_003, 3};
        Random random = new Random(42);
        StoredObject committed;
        try (ObjectWrite w = storage.openWrite("large.bin")) {
            OutputStream out = w.stream();
            long remaining = size;
            int i = 0;
            while (remaining > 0) {
                int n = (int) Math.min(chunks[i++ % chunks.length], remaining);
                byte[] chunk = new byte[n];
                random.nextBytes(chunk);
                if (n == 1) {
                    out.write(chunk[0]);
                } else {
                    // also exercise write(byte[], off, len) with an offset into a larger array
                    byte[] padded = new byte[n + 5];
                    System.arraycopy(chunk, 0, padded, 2, n);
                    out.write(padded, 2, n);
                }
                written.update(chunk);
                remaining -= n;
            }
            committed = w.commit();
        }

        assertThat(committed.size()).isEqualTo(size);
        assertThat(storage.stat("large.bin"))
                .get()
                .extracting(StoredObject::size)
                .isEqualTo(size);
        MessageDigest readBack = sha256();
        long count = 0;
        try (InputStream in = storage.openRead("large.bin")) {
            byte[] buffer = new byte[50_000];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                readBack.update(buffer, 0, n);
                count += n;
            }
        }
        assertThat(count).isEqualTo(size);
        assertThat(hex(readBack.digest())).isEqualTo(hex(written.digest()));
    }

    @Test
    void commitOfUnknownLengthWrittenByteByByteAndInBlocks() throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (ObjectWrite w = storage.openWrite("unknown-length.bin")) {
            OutputStream out = w.stream();
            for (int i = 0; i < 1000; i++) {
                out.write(i & 0xff);
                expected.write(i & 0xff);
                if (i % 100 == 0) {
                    byte[] block = ("block " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                    out.write(block);
                    expected.write(block);
                    out.flush();
                }
            }
            w.commit();
        }
        assertThat(read("unknown-length.bin")).isEqualTo(expected.toByteArray());
    }

    @Test
    void closeWithoutCommitLeavesNothingVisible() throws IOException {
        try (ObjectWrite w = storage.openWrite("aborted.bin")) {
            w.stream().write(randomBytes(100_000, 1));
            w.stream().flush();
        }
        assertInvisible("aborted.bin");
    }

    @Test
    void exceptionMidWriteThenCloseLeavesNothingVisible() throws IOException {
        assertThatThrownBy(() -> {
                    try (ObjectWrite w = storage.openWrite("failed.bin")) {
                        w.stream().write(randomBytes(70_000, 2));
                        throw new IllegalStateException("the source failed");
                    }
                })
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the source failed");
        assertInvisible("failed.bin");
    }

    @Test
    void closeAfterCommitAndRepeatedCloseAreHarmless() throws IOException {
        ObjectWrite w = storage.openWrite("closed-twice.txt");
        w.stream().write(new byte[] {1, 2, 3});
        w.commit();
        w.close();
        w.close();
        assertThat(read("closed-twice.txt")).containsExactly(1, 2, 3);

        ObjectWrite aborted = storage.openWrite("aborted-twice.txt");
        aborted.stream().write(new byte[] {4});
        aborted.close();
        aborted.close();
        assertInvisible("aborted-twice.txt");
    }

    @Test
    void commitReplacesExistingObjectAtomically() throws IOException {
        byte[] first = randomBytes(10_000, 3);
        byte[] second = randomBytes(25_000, 4);
        write("replaced.bin", first);

        try (ObjectWrite w = storage.openWrite("replaced.bin")) {
            w.stream().write(second);
            w.stream().flush();
            // until commit, readers still see the old object, whole
            assertThat(read("replaced.bin")).isEqualTo(first);
            assertThat(storage.stat("replaced.bin"))
                    .get()
                    .extracting(StoredObject::size)
                    .isEqualTo(10_000L);
            StoredObject committed = w.commit();
            assertThat(committed.size()).isEqualTo(25_000L);
        }
        assertThat(read("replaced.bin")).isEqualTo(second);
        assertThat(names(storage.list("replaced"))).containsExactly("replaced.bin");
    }

    @Test
    void abortedReplacementKeepsTheOldObject() throws IOException {
        byte[] first = randomBytes(5_000, 5);
        write("kept.bin", first);
        try (ObjectWrite w = storage.openWrite("kept.bin")) {
            w.stream().write(randomBytes(9_000, 6));
        }
        assertThat(read("kept.bin")).isEqualTo(first);
        assertThat(storage.stat("kept.bin"))
                .get()
                .extracting(StoredObject::size)
                .isEqualTo(5_000L);
    }

    // ---------------------------------------------------------------- stat, list, read

    @Test
    void statGivesSizeAndModifiedTime() throws IOException {
        Instant before = Instant.now();
        write("stat.bin", randomBytes(1234, 7));
        Instant after = Instant.now();

        StoredObject stat = storage.stat("stat.bin").orElseThrow();
        assertThat(stat.name()).isEqualTo("stat.bin");
        assertThat(stat.size()).isEqualTo(1234L);
        assertThat(stat.modified()).isBetween(before.minus(CLOCK_TOLERANCE), after.plus(CLOCK_TOLERANCE));
        assertThat(storage.stat("missing.bin")).isEmpty();
    }

    @Test
    void listByPrefixAfterManyObjects() throws IOException {
        int count = manyObjectsCount();
        Map<String, Long> expectedA = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("a-%04d.bin", i);
            write(name, randomBytes(i, i));
            expectedA.put(name, (long) i);
        }
        write("b-1.bin", randomBytes(11, 11));
        write("b-2.bin", randomBytes(22, 22));
        write("ab.bin", randomBytes(3, 3));

        Map<String, Long> listedA = sizes(storage.list("a-"));
        assertThat(listedA).isEqualTo(expectedA);

        Map<String, Long> listedB = sizes(storage.list("b-"));
        assertThat(listedB).isEqualTo(Map.of("b-1.bin", 11L, "b-2.bin", 22L));

        assertThat(names(storage.list("a"))).hasSize(count + 1).contains("ab.bin");
        assertThat(names(storage.list(""))).hasSize(count + 3);
        assertThat(storage.list("c-")).isEmpty();
        assertThat(storage.list("")).allSatisfy(o -> assertThat(o.modified()).isNotNull());
    }

    @Test
    void listShowsNothingOfWritesInProgress() throws IOException {
        write("done.bin", new byte[] {1});
        try (ObjectWrite w = storage.openWrite("in-progress.bin")) {
            w.stream().write(randomBytes(10_000, 8));
            w.stream().flush();
            assertThat(names(storage.list(""))).containsExactly("done.bin");
            assertThat(storage.stat("in-progress.bin")).isEmpty();
        }
        assertThat(names(storage.list(""))).containsExactly("done.bin");
    }

    @Test
    void openReadWithOffset() throws IOException {
        byte[] content = randomBytes(100_000, 9);
        write("ranged.bin", content);

        assertThat(readFrom("ranged.bin", 0)).isEqualTo(content);
        assertThat(readFrom("ranged.bin", 1)).isEqualTo(slice(content, 1));
        assertThat(readFrom("ranged.bin", 65_536)).isEqualTo(slice(content, 65_536));
        assertThat(readFrom("ranged.bin", 99_999)).isEqualTo(slice(content, 99_999));
        assertThat(readFrom("ranged.bin", 100_000)).isEmpty();
    }

    @Test
    void openReadOfMissingObjectThrowsStoredObjectNotFound() {
        assertThatThrownBy(() -> storage.openRead("missing.bin").close())
                .isInstanceOf(StoredObjectNotFoundException.class)
                .satisfies(e ->
                        assertThat(((StoredObjectNotFoundException) e).object()).isEqualTo("missing.bin"));
        assertThatThrownBy(() -> storage.openRead("missing.bin", 10).close())
                .isInstanceOf(StoredObjectNotFoundException.class);
    }

    @Test
    void namesWithDotsDashesAndUnderscores() throws IOException {
        List<String> names = List.of(
                "backup-20261127T014130Z-3f9a.db.dump.zst.gpg",
                "backup-20261127T014130Z-3f9a.manifest.json",
                "a_b-c.d_e",
                "UPPER.lower_123",
                "x..y--z__");
        for (int i = 0; i < names.size(); i++) {
            write(names.get(i), ("content " + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(names(storage.list(""))).containsExactlyInAnyOrderElementsOf(names);
        assertThat(names(storage.list("backup-20261127T014130Z-3f9a.")))
                .containsExactlyInAnyOrder(names.get(0), names.get(1));
        for (int i = 0; i < names.size(); i++) {
            assertThat(new String(read(names.get(i)), StandardCharsets.UTF_8)).isEqualTo("content " + i);
        }
    }

    // ---------------------------------------------------------------- delete

    @Test
    void deleteIsIdempotent() throws IOException {
        storage.delete("never-existed.bin");
        write("deleted.bin", randomBytes(10, 10));
        write("other.bin", randomBytes(10, 11));

        storage.delete("deleted.bin");
        assertInvisible("deleted.bin");
        storage.delete("deleted.bin");
        assertInvisible("deleted.bin");
        assertThat(names(storage.list(""))).containsExactly("other.bin");
    }

    // ---------------------------------------------------------------- createIfAbsent

    @Test
    void createIfAbsentCreatesOnceAndNeverOverwrites() throws IOException {
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        assertThat(storage.createIfAbsent("lease.test", first)).isTrue();
        assertThat(storage.createIfAbsent("lease.test", "second".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(read("lease.test")).isEqualTo(first);
        assertThat(storage.stat("lease.test"))
                .get()
                .extracting(StoredObject::size)
                .isEqualTo(5L);
    }

    @Test
    void createIfAbsentDoesNotOverwriteACommittedObject() throws IOException {
        byte[] committed = randomBytes(300, 12);
        write("written.bin", committed);
        assertThat(storage.createIfAbsent("written.bin", new byte[] {1})).isFalse();
        assertThat(read("written.bin")).isEqualTo(committed);
    }

    @Test
    void createIfAbsentAfterDeleteCreatesAgain() throws IOException {
        assertThat(storage.createIfAbsent("again.lease", new byte[] {1})).isTrue();
        storage.delete("again.lease");
        assertThat(storage.createIfAbsent("again.lease", new byte[] {2, 2})).isTrue();
        assertThat(read("again.lease")).containsExactly(2, 2);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void createIfAbsentRacingThreadsExactlyOneWins() throws Exception {
        assumeTrue(supportsConcurrentLeases(), "this storage has no atomic create-if-absent");
        for (int round = 0; round < 3; round++) {
            String name = "race-" + round + ".lease";
            List<Boolean> results =
                    race(i -> storage.createIfAbsent(name, ("owner " + i).getBytes(StandardCharsets.UTF_8)));
            int winner = results.indexOf(Boolean.TRUE);
            assertThat(results.stream().filter(Boolean::booleanValue).count())
                    .as("callers of createIfAbsent that got true, round " + round)
                    .isEqualTo(1);
            assertThat(new String(read(name), StandardCharsets.UTF_8)).isEqualTo("owner " + winner);
        }
    }

    // ---------------------------------------------------------------- deleteIfUnchanged

    @Test
    void deleteIfUnchangedDeletesTheCurrentVersion() throws IOException {
        assumeTrue(supportsConditionalDelete(), "this storage has no object versions");
        assertThat(storage.createIfAbsent("cond.lease", new byte[] {1, 2, 3})).isTrue();
        StoredObject current = storage.stat("cond.lease").orElseThrow();
        assertThat(current.version()).as("version of a stored object").isNotNull();

        assertThat(storage.deleteIfUnchanged(current)).isTrue();
        assertInvisible("cond.lease");
        assertThat(storage.deleteIfUnchanged(current))
                .as("second delete of the same version")
                .isFalse();
    }

    @Test
    void deleteIfUnchangedRefusesAReplacedObject() throws IOException {
        assumeTrue(supportsConditionalDelete(), "this storage has no object versions");
        assertThat(storage.createIfAbsent("stale.lease", new byte[] {1})).isTrue();
        StoredObject old = storage.stat("stale.lease").orElseThrow();
        byte[] replacement = "replacement".getBytes(StandardCharsets.UTF_8);
        StoredObject fresh = write("stale.lease", replacement);

        assertThat(fresh.version()).isNotEqualTo(old.version());
        assertThat(storage.deleteIfUnchanged(old)).isFalse();
        assertThat(read("stale.lease")).isEqualTo(replacement);
        assertThat(names(storage.list("stale"))).containsExactly("stale.lease");
    }

    @Test
    void deleteIfUnchangedRefusesARecreatedObject() throws IOException {
        assumeTrue(supportsConditionalDelete(), "this storage has no object versions");
        // the stale-lease takeover race: same name, same size, deleted and created again at once
        assertThat(storage.createIfAbsent("recreated.lease", new byte[] {7})).isTrue();
        StoredObject old = storage.stat("recreated.lease").orElseThrow();
        storage.delete("recreated.lease");
        assertThat(storage.createIfAbsent("recreated.lease", new byte[] {8})).isTrue();
        StoredObject fresh = storage.stat("recreated.lease").orElseThrow();

        assertThat(fresh.version()).isNotEqualTo(old.version());
        assertThat(storage.deleteIfUnchanged(old)).isFalse();
        assertThat(read("recreated.lease")).containsExactly(8);
    }

    @Test
    void deleteIfUnchangedOfMissingObjectIsFalse() throws IOException {
        assumeTrue(supportsConditionalDelete(), "this storage has no object versions");
        assertThat(storage.createIfAbsent("gone.lease", new byte[] {1})).isTrue();
        StoredObject stat = storage.stat("gone.lease").orElseThrow();
        storage.delete("gone.lease");
        assertThat(storage.deleteIfUnchanged(stat)).isFalse();
        assertInvisible("gone.lease");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void deleteIfUnchangedRacingThreadsExactlyOneDeletes() throws Exception {
        assumeTrue(supportsConditionalDelete(), "this storage has no object versions");
        assumeTrue(supportsConcurrentLeases(), "this storage has no atomic create-if-absent");
        assertThat(storage.createIfAbsent("contended.lease", new byte[] {1})).isTrue();
        StoredObject stale = storage.stat("contended.lease").orElseThrow();
        // each thread takes over the stale object the way the lease does: delete that version, create
        List<Boolean> created = race(i -> storage.deleteIfUnchanged(stale)
                && storage.createIfAbsent("contended.lease", ("owner " + i).getBytes(StandardCharsets.UTF_8)));
        assertThat(created.stream().filter(Boolean::booleanValue).count())
                .as("threads that took over the stale object")
                .isEqualTo(1);
        assertThat(new String(read("contended.lease"), StandardCharsets.UTF_8))
                .isEqualTo("owner " + created.indexOf(Boolean.TRUE));
    }

    // ---------------------------------------------------------------- concurrency, sweep

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void concurrentWritesOfDifferentObjects() throws Exception {
        int n = threads();
        List<Boolean> done = race(i -> {
            String name = "concurrent-" + i + ".bin";
            try (ObjectWrite w = storage.openWrite(name)) {
                byte[] content = randomBytes(50_000 + i, 100 + i);
                for (int off = 0; off < content.length; off += 4096) {
                    w.stream().write(content, off, Math.min(4096, content.length - off));
                }
                w.commit();
            }
            return true;
        });
        assertThat(done).hasSize(n).containsOnly(true);
        assertThat(names(storage.list("concurrent-"))).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(read("concurrent-" + i + ".bin")).isEqualTo(randomBytes(50_000 + i, 100 + i));
        }
    }

    @Test
    void sweepNeverRemovesCommittedObjects() throws IOException {
        write("committed-1.bin", randomBytes(1000, 13));
        assertThat(storage.createIfAbsent("committed-2.lease", new byte[] {1})).isTrue();
        try (ObjectWrite abandoned = storage.openWrite("abandoned.bin")) {
            abandoned.stream().write(randomBytes(1000, 14));
            abandoned.stream().flush();
            // a zero threshold and a time far in the future: everything is "old"
            List<String> wouldRemove =
                    storage.sweep(Duration.ZERO, Instant.now().plus(Duration.ofDays(365)), true);
            assertThat(wouldRemove).noneMatch(d -> d.contains("committed-"));
            storage.sweep(Duration.ZERO, Instant.now().plus(Duration.ofDays(365)), false);
        }
        storage.sweep(Duration.ZERO, Instant.now().plus(Duration.ofDays(365)), false);
        assertThat(names(storage.list(""))).containsExactlyInAnyOrder("committed-1.bin", "committed-2.lease");
        assertThat(read("committed-1.bin")).isEqualTo(randomBytes(1000, 13));
        assertThat(read("committed-2.lease")).containsExactly(1);
        assertInvisible("abandoned.bin");
    }

    @Test
    void describeNamesTheLocation() {
        assertThat(storage.describe()).isNotBlank();
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code task} on {@link #threads()} threads released at once; results by thread index. */
    protected final <T> List<T> race(Race.Task<T> task) throws Exception {
        return Race.run(threads(), task);
    }

    /** Writes and commits an object. */
    protected final StoredObject write(String name, byte[] content) throws IOException {
        try (ObjectWrite w = storage.openWrite(name)) {
            w.stream().write(content);
            return w.commit();
        }
    }

    /** Reads a whole object. */
    protected final byte[] read(String name) throws IOException {
        return readFrom(name, 0);
    }

    private byte[] readFrom(String name, long offset) throws IOException {
        try (InputStream in = storage.openRead(name, offset)) {
            return in.readAllBytes();
        }
    }

    /** Asserts that {@code name} is not visible in any way: stat, list, read. */
    protected final void assertInvisible(String name) throws IOException {
        assertThat(storage.stat(name)).as("stat(%s)", name).isEmpty();
        assertThat(names(storage.list(""))).as("list(\"\")").doesNotContain(name);
        assertThat(names(storage.list(name))).as("list(%s)", name).isEmpty();
        assertThatThrownBy(() -> storage.openRead(name).close())
                .as("openRead(%s)", name)
                .isInstanceOf(StoredObjectNotFoundException.class);
    }

    /** Deterministic pseudo-random bytes. */
    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static List<String> names(List<StoredObject> objects) {
        return objects.stream().map(StoredObject::name).collect(Collectors.toList());
    }

    private static Map<String, Long> sizes(List<StoredObject> objects) {
        Map<String, Long> sizes = new HashMap<>();
        for (StoredObject o : objects) {
            assertThat(sizes.put(o.name(), o.size()))
                    .as("listed twice: " + o.name())
                    .isNull();
        }
        return sizes;
    }

    private static byte[] slice(byte[] content, int from) {
        byte[] out = new byte[content.length - from];
        System.arraycopy(content, from, out, 0, out.length);
        return out;
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
