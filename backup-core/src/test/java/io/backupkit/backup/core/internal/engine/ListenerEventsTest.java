package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.Phase;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hosts learn of backups started, succeeded and failed (to mail an admin); a throwing listener breaks nothing. */
class ListenerEventsTest {
    @TempDir
    Path tmp;

    /** Records events as text; throws from progress to show that listeners cannot break a backup. */
    static final class Recorder implements BackupListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile CreateResult succeeded;
        volatile BackupException failed;

        @Override
        public void backupStarted(CreateOptions options) {
            events.add("started " + options.labels());
        }

        @Override
        public void backupSucceeded(CreateResult result) {
            succeeded = result;
            events.add("succeeded");
        }

        @Override
        public void backupFailed(CreateOptions options, BackupException failure) {
            failed = failure;
            events.add("failed");
        }

        @Override
        public void phaseStarted(Phase phase, long expectedBytes) {
            events.add("phase " + phase);
        }

        @Override
        public void progress(Phase phase, long bytesDone) {
            throw new IllegalStateException("a buggy listener");
        }

        @Override
        public void restoreStarted(BackupInfo backup) {
            events.add("restore started");
        }

        @Override
        public void restoreSucceeded(RestoreResult result) {
            events.add("restore succeeded");
        }
    }

    @Test
    void createAndRestoreReportTheirEventsAndResults() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        f.write("big.bin", 3 << 20, 1);
        Recorder recorder = new Recorder();
        try (BackupManager backups = f.builder().listener(recorder).build()) {
            CreateResult result = backups.create(CreateOptions.labelled("daily"));
            assertThat(recorder.succeeded).isEqualTo(result);
            assertThat(recorder.events)
                    .startsWith("started [daily]")
                    .contains("phase DATABASE_DUMP", "phase MEDIA_ARCHIVE", "phase MANIFEST")
                    .endsWith("succeeded");
            backups.restore(RestoreOptions.latest().withSafetyBackup(false));
            assertThat(recorder.events)
                    .contains("restore started", "phase DOWNLOAD_VERIFY")
                    .endsWith("restore succeeded");
        }
    }

    @Test
    void aFailedBackupIsReportedWithItsCause() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        Recorder recorder = new Recorder();
        try (BackupManager backups = f.builder()
                .mediaDir(tmp.resolve("no-such-folder"))
                .listener(recorder)
                .build()) {
            assertThatThrownBy(backups::create).isInstanceOf(BackupException.class);
            assertThat(recorder.events).startsWith("started [manual]").endsWith("failed");
            assertThat(recorder.failed).hasMessageContaining("(mediaDir(...))").hasMessageNotContaining("BACKUP_");
            assertThat(Files.exists(tmp.resolve("no-such-folder"))).isFalse();
        }
    }
}
