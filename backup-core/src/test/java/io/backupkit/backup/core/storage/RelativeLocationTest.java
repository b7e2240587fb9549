package io.backupkit.backup.core.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builder takes absolute folders only: a relative one would follow the process's working folder. */
class RelativeLocationTest {
    @Test
    void aRelativeFolderIsRefusedByTheBuilder() {
        assertThatThrownBy(() -> BackupManager.builder()
                        .storage("filesystem", "backups", Map.of())
                        .noDatabase()
                        .build())
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("'backups' is a relative path");
    }
}
