package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.DedupStorageContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK dedup contract against a real OpenSSH sshd; each test gets a fresh folder. */
class SftpDedupContractIT extends DedupStorageContract {
    @RegisterExtension
    static final SshdServer SERVER = new SshdServer();

    @Override
    protected BackupStorage createStorage() {
        return SERVER.storage(SERVER.newFolder(), SERVER.options());
    }
}
