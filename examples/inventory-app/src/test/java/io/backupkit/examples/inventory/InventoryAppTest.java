package io.backupkit.examples.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryAppTest {
    @TempDir
    Path home;

    @Test
    void upgradeTakesABackupFirstAndAFailedMigrationIsUndone() throws Exception {
        InventoryApp app = new InventoryApp(home);
        app.init();

        app.upgrade(true);
        assertThat(app.version()).as("failed migration undone").isEqualTo("1.0.0");
        assertThat(app.query("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE COLUMN_NAME = 'LOCATION'"))
                .isEqualTo("0");

        app.upgrade(false);
        assertThat(app.version()).isEqualTo(InventoryApp.VERSION);
        try (BackupManager backups = app.backups()) {
            List<BackupInfo> list = backups.list();
            assertThat(list).hasSize(2).allSatisfy(b -> assertThat(b.labels()).contains("pre-upgrade"));
            assertThat(list.get(0).attributes())
                    .containsEntry("from-version", "1.0.0")
                    .containsEntry("to-version", InventoryApp.VERSION);
        }

        app.restoreLatest();
        assertThat(app.version()).as("back to the pre-upgrade state").isEqualTo("1.0.0");
    }
}
