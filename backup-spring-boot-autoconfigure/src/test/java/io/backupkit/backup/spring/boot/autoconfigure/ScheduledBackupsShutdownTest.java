package io.backupkit.backup.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Closing the context while a scheduled backup runs: it finishes within the shutdown timeout, or
 * is cancelled and leaves nothing in the storage.
 */
class ScheduledBackupsShutdownTest {
    @TempDir
    Path tmp;

    /** Holds the media archive of the scheduled backup until released (or its thread is interrupted). */
    static final class HoldMedia implements BackupListener {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void phaseStarted(Phase phase, long expectedBytes) {
            if (phase != Phase.MEDIA_ARCHIVE) {
                return;
            }
            reached.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the cancellation reaches the archiver
            }
        }
    }

    private ApplicationContextRunner runner(HoldMedia hold, String shutdownTimeout) throws IOException {
        Files.createDirectories(tmp.resolve("media"));
        Files.writeString(tmp.resolve("media/a.txt"), "a");
        return new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(DataSourceAutoConfiguration.class, BackupAutoConfiguration.class))
                .withBean("hold", BackupListener.class, () -> hold)
                .withPropertyValues(
                        "spring.datasource.url=jdbc:h2:" + tmp.resolve("db/app") + ";DB_CLOSE_DELAY=-1",
                        "backupkit.dir=" + tmp.resolve("backups"),
                        "backupkit.media-dir=" + tmp.resolve("media"),
                        "backupkit.schedule.enabled=true",
                        "backupkit.schedule.shutdown-timeout=" + shutdownTimeout);
    }

    private List<?> backupsInStorage() {
        try (BackupManager m = BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                .noDatabase()
                .build()) {
            return m.list();
        }
    }

    private List<String> storedObjects() throws IOException {
        try (Stream<Path> files = Files.list(tmp.resolve("backups"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("backup-"))
                    .toList();
        }
    }

    @Test
    void aRunningBackupFinishesWithinTheShutdownTimeout() throws Exception {
        HoldMedia hold = new HoldMedia();
        runner(hold, "60s").run(context -> {
            assertThat(hold.reached.await(60, TimeUnit.SECONDS)).isTrue();
            new Thread(() -> {
                        sleep(500);
                        hold.release.countDown();
                    })
                    .start();
            context.close(); // waits for the backup
        });
        assertThat(backupsInStorage()).hasSize(1);
    }

    @Test
    void aBackupStillRunningAtTheTimeoutIsCancelledLeavingNothing() throws Exception {
        HoldMedia hold = new HoldMedia();
        runner(hold, "500ms").run(context -> {
            assertThat(hold.reached.await(60, TimeUnit.SECONDS)).isTrue();
            context.close();
        });
        assertThat(backupsInStorage()).isEmpty();
        assertThat(storedObjects()).as("no partial artifact is left").isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
