package io.backupkit.backup.storage.dropbox;

import static io.backupkit.backup.storage.dropbox.TestDropbox.CHUNK;
import static io.backupkit.backup.storage.dropbox.TestDropbox.put;
import static io.backupkit.backup.storage.dropbox.TestDropbox.random;
import static io.backupkit.backup.storage.dropbox.TestDropbox.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DropboxStorageTest {
    private FakeDropboxServer fake;
    private DropboxStorage storage;

    @BeforeEach
    void start() throws IOException {
        fake = TestDropbox.fake();
        storage = TestDropbox.storage(fake, "/Backups/inv/");
    }

    @AfterEach
    void stop() {
        storage.close();
        fake.close();
    }

    @Test
    void describesTheNormalisedFolder() {
        assertThat(storage.describe()).isEqualTo("dropbox:/Backups/inv");
        assertThat(TestDropbox.storage(fake, "/").describe()).isEqualTo("dropbox:/");
        assertThat(TestDropbox.storage(fake, "a//b/").describe()).isEqualTo("dropbox:/a/b");
    }

    @Test
    void smallObjectGoesUpInOneCall() throws IOException {
        byte[] content = "hello dropbox".getBytes(StandardCharsets.UTF_8);
        StoredObject stored = put(storage, "a.txt", content);

        assertThat(stored.name()).isEqualTo("a.txt");
        assertThat(stored.size()).isEqualTo(content.length);
        assertThat(stored.version()).isNotBlank();
        assertThat(fake.count("upload 200")).isEqualTo(1);
        assertThat(fake.count("upload_session/start 200")).isZero();
        assertThat(fake.file("/backups/inv/a.txt").content()).isEqualTo(content);
        assertThat(read(storage, "a.txt", 0)).isEqualTo(content);
        assertThat(storage.stat("a.txt")).contains(stored);
    }

    @Test
    void emptyObject() throws IOException {
        StoredObject stored = put(storage, "empty", new byte[0]);
        assertThat(stored.size()).isZero();
        assertThat(read(storage, "empty", 0)).isEmpty();
    }

    @Test
    void largeObjectSpansSeveralChunksAndIsInvisibleUntilCommit() throws IOException {
        byte[] content = random(5 * CHUNK + 1234, 1);
        try (ObjectWrite w = storage.openWrite("big.bin")) {
            w.stream().write(content, 0, 4 * CHUNK + 10);
            assertThat(fake.count("upload_session/start 200")).isEqualTo(1);
            assertThat(fake.count("upload_session/append_v2 200")).isEqualTo(3);
            assertThat(storage.stat("big.bin")).isEmpty();
            assertThat(storage.list("")).isEmpty();
            w.stream().write(content, 4 * CHUNK + 10, content.length - 4 * CHUNK - 10);
            StoredObject stored = w.commit();
            assertThat(stored.size()).isEqualTo(content.length);
        }
        assertThat(fake.count("upload_session/finish 200")).isEqualTo(1);
        assertThat(fake.file("/Backups/inv/big.bin").content()).isEqualTo(content);
        assertThat(read(storage, "big.bin", 0)).isEqualTo(content);
    }

    @Test
    void exactlyOneChunkIsASingleUpload() throws IOException {
        byte[] content = random(CHUNK, 2);
        put(storage, "one", content);
        assertThat(fake.count("upload 200")).isEqualTo(1);
        assertThat(fake.count("upload_session/start 200")).isZero();
        assertThat(read(storage, "one", 0)).isEqualTo(content);
    }

    @Test
    void closeWithoutCommitLeavesNothingVisible() throws IOException {
        try (ObjectWrite w = storage.openWrite("gone.bin")) {
            w.stream().write(random(3 * CHUNK, 3));
        }
        assertThat(storage.stat("gone.bin")).isEmpty();
        assertThat(storage.list("")).isEmpty();
        assertThat(fake.count("upload_session/finish 200")).isZero();
    }

    @Test
    void commitReplacesAnExistingObject() throws IOException {
        StoredObject first = put(storage, "x", random(2 * CHUNK + 5, 4));
        byte[] second = random(100, 5);
        StoredObject replaced = put(storage, "x", second);
        assertThat(replaced.version()).isNotEqualTo(first.version());
        assertThat(read(storage, "x", 0)).isEqualTo(second);
    }

    @Test
    void readsFromAnOffset() throws IOException {
        byte[] content = random(3 * CHUNK, 6);
        put(storage, "r", content);
        assertThat(read(storage, "r", 1000)).isEqualTo(java.util.Arrays.copyOfRange(content, 1000, content.length));
        assertThat(read(storage, "r", content.length)).isEmpty();
        assertThatThrownBy(() -> read(storage, "missing", 0)).isInstanceOf(StoredObjectNotFoundException.class);
    }

    @Test
    void listFollowsCursorsAndFiltersByPrefix() throws IOException {
        fake.pageSize(2);
        for (int i = 0; i < 7; i++) {
            put(storage, "backup-" + i + ".manifest.json", new byte[] {(byte) i});
        }
        put(storage, "other.txt", new byte[] {1, 2});
        fake.putFile("/Backups/inv/sub/nested.txt", new byte[] {1}); // a subfolder: not an object
        fake.putFile("/Backups/elsewhere.txt", new byte[] {1}); // outside the folder

        List<StoredObject> all = storage.list("");
        assertThat(all).extracting(StoredObject::name).hasSize(8).doesNotContain("sub", "nested.txt");
        assertThat(storage.list("backup-")).hasSize(7).allMatch(o -> o.size() == 1);
        assertThat(fake.count("list_folder/continue 200")).isGreaterThanOrEqualTo(3);
        assertThat(TestDropbox.storage(fake, "/does/not/exist").list("")).isEmpty();
    }

    @Test
    void deleteIsIdempotent() throws IOException {
        put(storage, "d", new byte[] {1});
        storage.delete("d");
        assertThat(storage.stat("d")).isEmpty();
        storage.delete("d");
        storage.delete("never-there");
    }

    @Test
    void createIfAbsentIsExclusiveEvenForIdenticalContent() throws IOException {
        byte[] lease = "owner=a".getBytes(StandardCharsets.UTF_8);
        assertThat(storage.createIfAbsent("backup.lock", lease)).isTrue();
        assertThat(storage.createIfAbsent("backup.lock", lease)).isFalse();
        assertThat(storage.createIfAbsent("backup.lock", "owner=b".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(read(storage, "backup.lock", 0)).isEqualTo(lease);
    }

    @Test
    void concurrentCreateIfAbsentHasOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] content = ("owner-" + i).getBytes(StandardCharsets.UTF_8);
                Callable<Boolean> c = () -> storage.createIfAbsent("race.lock", content);
                results.add(pool.submit(c));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteIfUnchangedOnlyDeletesThatVersion() throws IOException {
        storage.createIfAbsent("lease", new byte[] {1});
        StoredObject old = storage.stat("lease").orElseThrow();
        storage.delete("lease");
        storage.createIfAbsent("lease", new byte[] {2});
        StoredObject fresh = storage.stat("lease").orElseThrow();

        assertThat(storage.deleteIfUnchanged(old)).isFalse();
        assertThat(storage.stat("lease")).isPresent();
        assertThat(storage.deleteIfUnchanged(fresh)).isTrue();
        assertThat(storage.stat("lease")).isEmpty();
        assertThat(storage.deleteIfUnchanged(fresh)).isFalse();
    }

    @Test
    void refusesNamesWithSlashes() {
        assertThatThrownBy(() -> storage.openWrite("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.stat("..")).isInstanceOf(IllegalArgumentException.class);
    }
}
