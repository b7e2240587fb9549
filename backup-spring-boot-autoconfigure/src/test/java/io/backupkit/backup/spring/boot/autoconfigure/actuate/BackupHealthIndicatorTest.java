package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.spring.boot.autoconfigure.BackupStatus;
import io.backupkit.backup.spring.boot.autoconfigure.ScheduledBackups;
import io.backupkit.backup.tck.fixtures.MovableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** The {@code backup} health indicator on a real filesystem storage, with a clock the test moves. */
class BackupHealthIndicatorTest {
    @TempDir
    Path tmp;

    MovableClock clock = new MovableClock(Instant.now());
    BackupManager manager;
    BackupStatus status;

    @BeforeEach
    void manager() throws Exception {
        Files.createDirectories(tmp.resolve("media"));
        manager = BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                .noDatabase()
                .mediaDir(tmp.resolve("media"))
                .build();
        status = new BackupStatus(() -> manager, clock);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private Health health(Duration maxAge) {
        return new BackupHealthIndicator(status, Optional::empty, maxAge, clock).health();
    }

    @Test
    void upWhileTheNewestBackupIsYoungerThanTheMaximumAgeDownAfter() {
        manager.create();
        Health fresh = health(Duration.ofHours(26));
        assertThat(fresh.getStatus()).isEqualTo(Status.UP);
        assertThat(fresh.getDetails()).containsKeys("newest", "created", "age").containsEntry("maxAge", "26h 0m");
        clock.advance(Duration.ofHours(27).plusMinutes(5));
        Health old = health(Duration.ofHours(26));
        assertThat(old.getStatus()).isEqualTo(Status.DOWN);
        assertThat(old.getDetails().get("age").toString()).startsWith("27h");
    }

    @Test
    void downWithoutAnyBackupUnknownWithoutAMaximumAge() {
        assertThat(health(Duration.ofHours(26)).getStatus()).isEqualTo(Status.DOWN);
        manager.create();
        clock.advance(Duration.ofMinutes(2));
        Health h = health(null);
        assertThat(h.getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(h.getDetails()).containsKey("age");
    }

    @Test
    void theStorageIsListedAtMostOnceAMinute() {
        assertThat(health(Duration.ofHours(26)).getStatus()).isEqualTo(Status.DOWN); // read: none yet
        manager.create(); // not through a listener: the cache does not know
        assertThat(health(Duration.ofHours(26)).getStatus()).isEqualTo(Status.DOWN);
        clock.advance(Duration.ofSeconds(61));
        assertThat(health(Duration.ofHours(26)).getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aFailedScheduledBackupIsDownWithItsError() throws Exception {
        ScheduledBackups scheduled = new ScheduledBackups(manager, Schedule.daily(), Duration.ofSeconds(5));
        Files.delete(tmp.resolve("media")); // the scheduled backup fails
        assertThat(scheduled.runOnce()).isEqualTo(BackupScheduler.Outcome.FAILED);
        Health h = new BackupHealthIndicator(status, () -> Optional.of(scheduled), null, clock).health();
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails().get("lastError").toString()).contains("media folder");
    }

    @Test
    void aStorageThatCannotBeReadIsDownWithTheReasonNeverAnException() throws Exception {
        manager.create();
        Path backups = tmp.resolve("backups");
        try (var files = Files.list(backups)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(backups);
        Files.writeString(backups, "not a folder");
        Health h = health(Duration.ofHours(26));
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails().get("error").toString()).startsWith("the backup storage cannot be read");
    }
}
