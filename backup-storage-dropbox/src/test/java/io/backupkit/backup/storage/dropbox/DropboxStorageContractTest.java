package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.BackupStorageContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The TCK storage contract against the local Dropbox fake, with 64 KiB chunks (the fake does not
 * insist on Dropbox's multiple-of-4-MiB rule) so the large object spans several upload-session
 * appends, and 7-entry listing pages so listings follow cursors.
 */
class DropboxStorageContractTest extends BackupStorageContract {
    private FakeDropboxServer fake;

    @Override
    protected BackupStorage createStorage() throws Exception {
        fake = TestDropbox.fake().pageSize(7);
        return TestDropbox.storage(fake, "/Apps/backupkit/contract");
    }

    @Override
    protected long largeObjectSize() {
        return 9L * TestDropbox.CHUNK + 4321; // several chunks and a partial last one
    }

    @AfterEach
    void stopFake() {
        if (fake != null) {
            fake.close();
        }
    }
}
