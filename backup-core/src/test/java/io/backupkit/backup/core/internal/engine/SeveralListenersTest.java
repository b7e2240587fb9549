package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.VerifyMode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code listener(...)} adds: every listener gets every event, also after one that throws. */
class SeveralListenersTest {
    @TempDir
    Path tmp;

    @Test
    void eachListenerGetsEveryEvent() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        BackupListener throwing = new BackupListener() {
            @Override
            public void backupStarted(CreateOptions options) {
                first.add("started");
                throw new IllegalStateException("a host's listener failed");
            }

            @Override
            public void backupSucceeded(CreateResult result) {
                first.add("succeeded");
                throw new IllegalStateException("a host's listener failed");
            }
        };
        BackupListener recording = new BackupListener() {
            @Override
            public void backupStarted(CreateOptions options) {
                second.add("started");
            }

            @Override
            public void backupSucceeded(CreateResult result) {
                second.add("succeeded");
            }
        };
        try (BackupManager backups =
                f.builder().listener(throwing).listener(recording).build()) {
            CreateResult created = backups.create();
            assertThat(backups.verify(created.id(), VerifyMode.DEEP).ok()).isTrue();
            assertThat(backups.get(created.id())).isEqualTo(created.backup());
        }
        assertThat(first).containsExactly("started", "succeeded");
        assertThat(second).containsExactly("started", "succeeded");
    }
}
