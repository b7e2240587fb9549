package io.backupkit.backup.storage.dropbox;

import static io.backupkit.backup.storage.dropbox.FakeDropboxServer.Fault.CORRUPT;
import static io.backupkit.backup.storage.dropbox.FakeDropboxServer.Fault.DROP_AFTER;
import static io.backupkit.backup.storage.dropbox.FakeDropboxServer.Fault.DROP_BEFORE;
import static io.backupkit.backup.storage.dropbox.FakeDropboxServer.Fault.DROP_MID_BODY;
import static io.backupkit.backup.storage.dropbox.FakeDropboxServer.Fault.PARTIAL_THEN_DROP;
import static io.backupkit.backup.storage.dropbox.FakeDropboxServer.Fault.RATE_LIMIT;
import static io.backupkit.backup.storage.dropbox.FakeDropboxServer.Fault.SERVER_ERROR;
import static io.backupkit.backup.storage.dropbox.FakeDropboxServer.Fault.UNAVAILABLE;
import static io.backupkit.backup.storage.dropbox.TestDropbox.CHUNK;
import static io.backupkit.backup.storage.dropbox.TestDropbox.put;
import static io.backupkit.backup.storage.dropbox.TestDropbox.random;
import static io.backupkit.backup.storage.dropbox.TestDropbox.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures in the middle of an upload session and of other calls (design T3/T4/T5): each is retried
 * to a byte-identical file, or fails cleanly with nothing visible.
 */
class DropboxFaultsTest {
    private static final String APPEND = "upload_session/append_v2";
    private static final String FINISH = "upload_session/finish";
    private static final String START = "upload_session/start";
    private static final String PATH = "/backups/f.bin";

    private FakeDropboxServer fake;
    private DropboxStorage storage;
    private final byte[] content = random(5 * CHUNK + 777, 11);

    @BeforeEach
    void start() throws IOException {
        fake = TestDropbox.fake();
        storage = TestDropbox.storage(fake, "/backups");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private void assertStoredExactly() throws IOException {
        assertThat(fake.file(PATH).content()).isEqualTo(content);
        assertThat(read(storage, "f.bin", 0)).isEqualTo(content);
        assertThat(storage.stat("f.bin").orElseThrow().size()).isEqualTo(content.length);
    }

    @Test
    void rateLimitedAppendWaitsForRetryAfterAndResends() throws IOException {
        fake.retryAfterSeconds(1).inject(APPEND, RATE_LIMIT, 1);
        long started = System.nanoTime();
        put(storage, "f.bin", content);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(fake.log()).contains(APPEND + " 429");
        // Retry-After: 1 is honoured although the configured backoff is at most 50 ms
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(950);
        assertStoredExactly();
    }

    @Test
    void serverErrorsOnStartAppendAndFinishAreRetried() throws IOException {
        fake.inject(START, SERVER_ERROR).inject(APPEND, UNAVAILABLE, 2).inject(FINISH, SERVER_ERROR);
        put(storage, "f.bin", content);

        assertThat(fake.log()).contains(START + " 500", APPEND + " 503", FINISH + " 500");
        assertStoredExactly();
    }

    @Test
    void appendWhoseAnswerWasLostResumesAtTheOffsetDropboxReports() throws IOException {
        fake.inject(APPEND, DROP_AFTER, 1);
        put(storage, "f.bin", content);

        // the resent append hits incorrect_offset; the writer then continues after the applied chunk
        assertThat(fake.log()).contains(APPEND + " drop", APPEND + " 409");
        assertStoredExactly();
    }

    @Test
    void appendCutOffHalfwayResumesMidChunk() throws IOException {
        fake.inject(APPEND, PARTIAL_THEN_DROP, 2);
        put(storage, "f.bin", content);

        assertThat(fake.log()).contains(APPEND + " drop", APPEND + " 409");
        assertStoredExactly();
    }

    @Test
    void droppedConnectionBeforeAppendIsRetried() throws IOException {
        fake.inject(APPEND, DROP_BEFORE, 0);
        put(storage, "f.bin", content);

        assertThat(fake.log()).contains(APPEND + " drop");
        assertStoredExactly();
    }

    @Test
    void finishWhoseAnswerWasLostIsRecognisedByItsContentHash() throws IOException {
        fake.inject(FINISH, DROP_AFTER);
        put(storage, "f.bin", content);

        assertThat(fake.log()).contains(FINISH + " drop", FINISH + " 409");
        assertStoredExactly();
    }

    @Test
    void droppedSmallUploadIsRetried() throws IOException {
        byte[] small = "small".getBytes(StandardCharsets.UTF_8);
        fake.inject("upload", DROP_BEFORE).inject("upload", DROP_AFTER);
        put(storage, "s.txt", small);
        assertThat(read(storage, "s.txt", 0)).isEqualTo(small);
        assertThat(fake.count("upload drop")).isEqualTo(2);
    }

    @Test
    void persistentServerErrorsFailCleanlyWithNothingVisible() throws IOException {
        for (int i = 0; i < 10; i++) {
            fake.inject(APPEND, SERVER_ERROR);
        }
        assertThatThrownBy(() -> put(storage, "f.bin", content))
                .isInstanceOf(UnableToStoreException.class)
                .hasMessageContaining("4 attempts")
                .satisfies(e ->
                        assertThat(((UnableToStoreException) e).isTransient()).isTrue());

        assertThat(fake.count(APPEND + " 500")).isEqualTo(4); // bounded: max_attempts, no retry storm
        assertThat(storage.stat("f.bin")).isEmpty();
        assertThat(storage.list("")).isEmpty();
    }

    @Test
    void failedWriteRefusesFurtherBytesAndCommit() throws IOException {
        for (int i = 0; i < 4; i++) {
            fake.inject(START, SERVER_ERROR);
        }
        try (ObjectWrite w = storage.openWrite("f.bin")) {
            assertThatThrownBy(() -> w.stream().write(content)).isInstanceOf(UnableToStoreException.class);
            assertThatThrownBy(() -> w.stream().write(1)).isInstanceOf(IOException.class);
            assertThatThrownBy(w::commit).isInstanceOf(IOException.class);
        }
        assertThat(storage.stat("f.bin")).isEmpty();
    }

    @Test
    void contentHashMismatchAfterFinishDeletesTheFile() {
        fake.inject(FINISH, CORRUPT);
        assertThatThrownBy(() -> put(storage, "f.bin", content))
                .isInstanceOf(UnableToStoreException.class)
                .hasMessageContaining("content_hash")
                .hasMessageContaining("deleted");
        assertThat(fake.file(PATH)).isNull();
        assertThat(storage.stat("f.bin")).isEmpty();
    }

    @Test
    void contentHashMismatchOfASmallUploadDeletesTheFile() {
        fake.inject("upload", CORRUPT);
        assertThatThrownBy(() -> put(storage, "s.bin", random(1000, 3)))
                .isInstanceOf(UnableToStoreException.class)
                .hasMessageContaining("content_hash");
        assertThat(storage.stat("s.bin")).isEmpty();
    }

    @Test
    void downloadCutOffMidBodyResumesWithARange() throws IOException {
        put(storage, "f.bin", content);
        fake.inject("download", DROP_MID_BODY);
        assertThat(read(storage, "f.bin", 0)).isEqualTo(content);
        assertThat(fake.log()).contains("download drop", "download 206");
    }

    @Test
    void resumedDownloadKeepsReadingTheRevisionItStarted() throws IOException {
        put(storage, "f.bin", content);
        fake.inject("download", DROP_MID_BODY);
        byte[] start = new byte[1000];
        try (java.io.InputStream in = storage.openRead("f.bin")) {
            assertThat(in.readNBytes(start, 0, start.length)).isEqualTo(1000);
            put(storage, "f.bin", random(content.length, 99)); // replaced while being read
            byte[] rest = in.readAllBytes();
            byte[] all = new byte[start.length + rest.length];
            System.arraycopy(start, 0, all, 0, start.length);
            System.arraycopy(rest, 0, all, start.length, rest.length);
            assertThat(all).isEqualTo(content);
        }
        assertThat(fake.log()).contains("download drop", "download 206");
    }

    @Test
    void rateLimitedRpcCallsAreRetried() throws IOException {
        put(storage, "f.bin", content);
        fake.retryAfterSeconds(0)
                .inject("get_metadata", RATE_LIMIT)
                .inject("list_folder", RATE_LIMIT)
                .inject("delete_v2", SERVER_ERROR);
        assertThat(storage.stat("f.bin")).isPresent();
        assertThat(storage.list("")).hasSize(1);
        storage.delete("f.bin");
        assertThat(fake.file(PATH)).isNull();
        assertThat(fake.log()).contains("get_metadata 429", "list_folder 429", "delete_v2 500");
    }

    @Test
    void leaseCreatedByAnAttemptWhoseAnswerWasLostIsOurs() throws IOException {
        fake.inject("upload", DROP_AFTER);
        byte[] lease = "owner=me pid=1".getBytes(StandardCharsets.UTF_8);
        assertThat(storage.createIfAbsent("backup.lock", lease)).isTrue();
        assertThat(fake.log()).contains("upload drop", "upload 409");
        assertThat(storage.createIfAbsent("backup.lock", lease)).isFalse();
    }
}
