package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.RestoreOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore compares the backup's host version with the running one, pre-releases included, and says when it cannot. */
class HostVersionCheckTest {
    @TempDir
    Path tmp;

    private static BackupListener collecting(List<String> warnings) {
        return new BackupListener() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        };
    }

    @Test
    void aReleaseCandidateRefusesABackupOfItsRelease() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        BackupInfo made;
        try (BackupManager v300 =
                f.builder().hostApplication("inventory", "3.0.0").build()) {
            made = v300.create().backup();
        }
        try (BackupManager rc =
                f.builder().hostApplication("inventory", "3.0.0-rc1").build()) {
            assertThatThrownBy(() -> rc.restore(RestoreOptions.of(made.id().value())))
                    .isInstanceOf(IncompatibleBackupException.class)
                    .hasMessageContaining("3.0.0")
                    .hasMessageContaining("newer than the running 3.0.0-rc1");
        }
    }

    @Test
    void withoutAConfiguredVersionTheRestoreWarnsNamingTheBackupsVersion() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        BackupInfo made;
        try (BackupManager v4 =
                f.builder().hostApplication("inventory", "4.1.0").build()) {
            made = v4.create().backup();
        }
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (BackupManager unknown = f.builder()
                .hostApplication("inventory", null)
                .listener(collecting(warnings))
                .build()) {
            unknown.restore(RestoreOptions.of(made.id().value()));
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w)
                .contains(made.id().value())
                .contains("inventory 4.1.0")
                .contains("version is not configured (hostApplication(name, version))"));
        // a comparable, older backup restores without that warning
        warnings.clear();
        try (BackupManager v5 = f.builder()
                .hostApplication("inventory", "5.0.0")
                .listener(collecting(warnings))
                .build()) {
            v5.restore(RestoreOptions.of(made.id().value()));
        }
        assertThat(warnings).noneSatisfy(w -> assertThat(w).contains("4.1.0"));
    }
}
