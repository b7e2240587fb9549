package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A warning is said once: to the host's listener, or, without one, to the log. */
class OneVoiceTest {
    @TempDir
    Path tmp;

    private BackupManager.Builder builder() {
        return BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of());
    }

    @Test
    void withoutAListenerWarningsGoToTheLog() throws Exception {
        try (BackupManager backups = builder().build()) {
            assertThat(EngineSettings.of(backups).listener()).isSameAs(LoggingListener.INSTANCE);
        }
    }

    @Test
    void withAListenerWarningsGoThereOnly() throws Exception {
        BackupListener host = new BackupListener() {};
        try (BackupManager backups = builder().listener(host).build()) {
            assertThat(EngineSettings.of(backups).listener()).isNotSameAs(LoggingListener.INSTANCE);
        }
    }
}
