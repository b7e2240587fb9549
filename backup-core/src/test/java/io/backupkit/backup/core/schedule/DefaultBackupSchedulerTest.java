package io.backupkit.backup.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.BackupScheduler.Outcome;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.core.internal.lease.StorageLease;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.tck.fixtures.MovableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler decides from the storage, at day boundaries, across restarts and instances. */
class DefaultBackupSchedulerTest {
    @TempDir
    Path tmp;

    MovableClock clock = new MovableClock(Instant.parse("2026-11-27T02:00:00Z"));
    Path media;

    @BeforeEach
    void setUp() throws Exception {
        media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "hello");
    }

    BackupManager manager() {
        return manager(tmp.resolve("backups"));
    }

    BackupManager manager(Path backups) {
        return BackupManager.builder()
                .storage("filesystem", backups.toString(), Map.of())
                .mediaDir(media)
                .spoolDir(tmp.resolve("spool"))
                .clock(clock)
                .build();
    }

    static ScheduleSettings daily() {
        return ScheduleSettings.from(Map.of("enabled", true), null);
    }

    @Test
    void offByDefault() {
        try (BackupManager m = manager();
                DefaultBackupScheduler s =
                        new DefaultBackupScheduler(m, ScheduleSettings.from(Map.of(), null)).start()) {
            assertThat(s.runOnce()).isEqualTo(Outcome.DISABLED);
            assertThat(m.list()).isEmpty();
        }
    }

    @Test
    void dailyRunsOncePerDayWithoutDrifting() {
        try (BackupManager m = manager()) {
            DefaultBackupScheduler s = new DefaultBackupScheduler(m, daily());
            assertThat(s.runOnce()).isEqualTo(Outcome.CREATED);
            assertThat(s.runOnce()).isEqualTo(Outcome.NOT_DUE);
            clock.advance(Duration.ofHours(12));
            assertThat(s.runOnce()).isEqualTo(Outcome.NOT_DUE);
            // the next day at the same time, a few seconds early, is due: no day is skipped
            clock.set(Instant.parse("2026-11-28T01:59:50Z"));
            assertThat(s.runOnce()).isEqualTo(Outcome.CREATED);
            for (int day = 29; day <= 30; day++) {
                clock.set(Instant.parse("2026-11-" + day + "T01:59:50Z"));
                assertThat(s.runOnce()).as("day %d", day).isEqualTo(Outcome.CREATED);
            }
            assertThat(m.list()).hasSize(4).allMatch(b -> b.labels().contains("daily"));
        }
    }

    @Test
    void dueCheckSurvivesARestartBecauseItReadsTheStorage() {
        try (BackupManager m = manager()) {
            assertThat(new DefaultBackupScheduler(m, daily()).runOnce()).isEqualTo(Outcome.CREATED);
        }
        clock.advance(Duration.ofMinutes(2)); // "restarted two minutes later"
        try (BackupManager m = manager()) {
            assertThat(new DefaultBackupScheduler(m, daily()).runOnce()).isEqualTo(Outcome.NOT_DUE);
            assertThat(m.list()).hasSize(1);
        }
    }

    @Test
    void windowIsRespectedAcrossMidnight() {
        ScheduleSettings night = ScheduleSettings.from(Map.of("enabled", "true", "window", "22:00-04:00"), null);
        try (BackupManager m = manager()) {
            DefaultBackupScheduler s = new DefaultBackupScheduler(m, night);
            clock.set(Instant.parse("2026-11-27T12:00:00Z"));
            assertThat(s.runOnce()).isEqualTo(Outcome.OUTSIDE_WINDOW);
            clock.set(Instant.parse("2026-11-27T23:30:00Z"));
            assertThat(s.runOnce()).isEqualTo(Outcome.CREATED);
        }
    }

    @Test
    void twoInstancesAgainstOneStorageMakeOneBackup() throws Exception {
        try (BackupManager a = manager();
                BackupManager b = manager()) {
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (BackupManager m : List.of(a, b)) {
                DefaultBackupScheduler s = new DefaultBackupScheduler(m, daily());
                outcomes.add(pool.submit((Callable<Outcome>) () -> {
                    start.await();
                    return s.runOnce();
                }));
            }
            List<Outcome> results = new ArrayList<>();
            for (Future<Outcome> f : outcomes) {
                results.add(f.get());
            }
            pool.shutdown();
            assertThat(results).containsOnlyOnce(Outcome.CREATED);
            assertThat(a.list()).hasSize(1);
        }
    }

    @Test
    void staleLeaseOfADeadInstanceIsTakenOver() {
        Path backups = tmp.resolve("backups");
        try (BackupManager m = manager(backups)) {
            // an instance died holding the schedule lease
            StorageLease.acquire(
                    new FilesystemStorage(backups),
                    DefaultBackupScheduler.LEASE,
                    "dead-host:1:0000",
                    Duration.ofMinutes(10),
                    clock);
            DefaultBackupScheduler s = new DefaultBackupScheduler(m, daily());
            assertThat(s.runOnce()).isEqualTo(Outcome.BUSY);
            clock.advance(Duration.ofMinutes(11));
            assertThat(s.runOnce()).isEqualTo(Outcome.CREATED);
        }
    }

    @Test
    void failedAttemptIsRetriedAfterTheHoldOffNotInALoop() throws Exception {
        try (BackupManager m = manager()) {
            BackupScheduler s = m.scheduler(Schedule.daily().retryAfter(Duration.ofMinutes(30)));
            Files.move(media, tmp.resolve("media-gone"));
            assertThat(s.runOnce()).isEqualTo(Outcome.FAILED);
            assertThat(s.lastFailure())
                    .get()
                    .extracting(Throwable::getMessage)
                    .asString()
                    .contains("mediaDir(...)");
            clock.advance(Duration.ofMinutes(10));
            assertThat(s.runOnce()).isEqualTo(Outcome.HELD_OFF);
            Files.move(tmp.resolve("media-gone"), media);
            clock.advance(Duration.ofMinutes(21));
            assertThat(s.runOnce()).isEqualTo(Outcome.CREATED);
            assertThat(s.lastFailure()).isEmpty();
        }
    }

    @Test
    void theTypedScheduleAndRetentionOfTheApiWork() {
        Schedule schedule = Schedule.daily()
                .window(LocalTime.of(1, 0), LocalTime.of(5, 0))
                .retention(RetentionPolicy.builder()
                        .keepLast(2)
                        .leftoverGrace(Duration.ofHours(1))
                        .build());
        try (BackupManager m = manager();
                BackupScheduler s = m.scheduler(schedule)) {
            int created = 0;
            for (int hour = 0; hour < 24 * 4; hour++) {
                if (s.runOnce() == Outcome.CREATED) {
                    created++;
                    ZonedDateTime at = clock.instant().atZone(ZoneOffset.UTC);
                    assertThat(at.getHour()).isBetween(1, 4);
                }
                clock.advance(Duration.ofHours(1));
            }
            assertThat(created).as("one a day for four days from 02:00").isEqualTo(5);
            assertThat(m.list()).hasSize(2);
        }
        assertThatThrownBy(() -> Schedule.daily().window(LocalTime.NOON, LocalTime.NOON))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("window(start, end)");
        assertThatThrownBy(() -> Schedule.daily().everyDays(0)).hasMessageContaining("everyDays");
    }

    @Test
    void retentionRunsAfterEachScheduledBackup() {
        ScheduleSettings withRetention =
                ScheduleSettings.from(Map.of("enabled", true), Map.of("keep_last", 2, "leftover_grace", "1h"));
        try (BackupManager m = manager()) {
            DefaultBackupScheduler s = new DefaultBackupScheduler(m, withRetention);
            for (int i = 0; i < 4; i++) {
                assertThat(s.runOnce()).isEqualTo(Outcome.CREATED);
                clock.advance(Duration.ofDays(1));
            }
            assertThat(m.list()).hasSize(2);
        }
    }

    @Test
    void badSettingsFailAtStartNamingTheKey() {
        assertThatThrownBy(() -> ScheduleSettings.from(Map.of("interval_days", 0), null))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("schedule.interval_days");
        assertThatThrownBy(() -> ScheduleSettings.from(Map.of("interval_days", -3), null))
                .hasMessageContaining("schedule.interval_days");
        assertThatThrownBy(() -> ScheduleSettings.from(Map.of("window", "late"), null))
                .hasMessageContaining("schedule.window");
        assertThatThrownBy(() -> ScheduleSettings.from(Map.of("enabeld", true), null))
                .hasMessageContaining("schedule.enabeld");
        assertThatThrownBy(() -> ScheduleSettings.from(Map.of(), Map.of("keep_last", -1)))
                .hasMessageContaining("retention.keep_last");
        assertThatThrownBy(() -> ScheduleSettings.from(Map.of(), Map.of("keep_pre_upgrade", 2)))
                .hasMessageContaining("no effect");
    }
}
