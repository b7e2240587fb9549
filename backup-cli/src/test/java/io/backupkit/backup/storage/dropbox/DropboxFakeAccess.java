package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.spi.BackupStorage;
import java.io.IOException;

/**
 * The Dropbox fake of backup-storage-dropbox's tests (package-private there), opened up for the
 * command line's tests: a fake in the test JVM, and a storage on it in the tool's JVM.
 */
public final class DropboxFakeAccess implements AutoCloseable {
    private final FakeDropboxServer fake;

    private DropboxFakeAccess(FakeDropboxServer fake) {
        this.fake = fake;
    }

    /** Starts a fake that accepts the tests' token. */
    public static DropboxFakeAccess start() throws IOException {
        return new DropboxFakeAccess(TestDropbox.fake());
    }

    /** A storage in {@code folder} on the fake listening on {@code port} (in any JVM). */
    public static BackupStorage storage(int port, String folder) {
        return new DropboxStorage(TestDropbox.settings(folder), new LocalDropboxRequestor(port));
    }

    public int port() {
        return fake.port();
    }

    /** Upload sessions started and never finished (Dropbox discards them after 7 days). */
    public int unfinishedSessions() {
        return fake.openSessions();
    }

    /** Requests to {@code endpoint} answered with {@code status}, e.g. {@code ("upload_session/append_v2", 200)}. */
    public long count(String endpoint, int status) {
        return fake.count(endpoint + " " + status);
    }

    @Override
    public void close() {
        fake.close();
    }
}
