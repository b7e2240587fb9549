package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.BackupStorageContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK storage contract against a real OpenSSH sshd; each test gets a fresh folder. */
class SftpStorageContractIT extends BackupStorageContract {
    @RegisterExtension
    static final SshdServer SERVER = new SshdServer();

    @Override
    protected BackupStorage createStorage() {
        return SERVER.storage(SERVER.newFolder(), SERVER.options());
    }
}
