package io.backupkit.backup.storage.dropbox;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.DedupStorageContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The TCK dedup contract against the local Dropbox fake: packs uploaded in upload-session chunks,
 * chunks read back with ranged downloads, listings of 7-entry pages that follow cursors.
 */
class DropboxDedupContractTest extends DedupStorageContract {
    private FakeDropboxServer fake;

    @Override
    protected BackupStorage createStorage() throws Exception {
        fake = TestDropbox.fake().pageSize(7);
        return TestDropbox.storage(fake, "/Apps/backupkit/dedup");
    }

    @AfterEach
    void stopFake() {
        if (fake != null) {
            fake.close();
        }
    }
}
