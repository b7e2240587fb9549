package io.backupkit.backup.spring.boot.autoconfigure;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.Schedule;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;

/** {@code backupkit.schedule.*} and {@code backupkit.retention.*} as a {@link Schedule}; a bad value names its property. */
final class ScheduleFactory {
    private ScheduleFactory() {}

    static Schedule create(BackupProperties p) {
        BackupProperties.Schedule s = p.getSchedule();
        if (s.getIntervalDays() < 1) {
            throw new BackupConfigurationException(
                    "backupkit.schedule.interval-days",
                    "backupkit.schedule.interval-days must be at least 1, not " + s.getIntervalDays());
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(s.getZone());
        } catch (DateTimeException e) {
            throw new BackupConfigurationException(
                    "backupkit.schedule.zone",
                    "backupkit.schedule.zone is not a time zone id (e.g. UTC, Europe/Berlin): '" + s.getZone() + "'");
        }
        Schedule schedule;
        try {
            schedule = Schedule.daily()
                    .everyDays(s.getIntervalDays())
                    .zone(zone)
                    .checkEvery(s.getCheckEvery())
                    .retryAfter(s.getRetryAfter());
        } catch (BackupConfigurationException e) {
            throw new BackupConfigurationException(
                    "backupkit.schedule.check-every",
                    "backupkit.schedule.check-every and retry-after must be positive",
                    e);
        }
        String window = s.getWindow();
        if (window != null && !window.isBlank()) {
            String[] parts = window.split("-");
            try {
                if (parts.length != 2) {
                    throw new DateTimeException("two times expected");
                }
                schedule = schedule.window(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
            } catch (DateTimeException | BackupConfigurationException e) {
                throw new BackupConfigurationException(
                        "backupkit.schedule.window",
                        "backupkit.schedule.window must be two different times like 01:00-05:00, not '" + window + "'");
            }
        }
        return schedule.retention(retention(p.getRetention()));
    }

    /** The policy, or {@code null} (keep everything) when no rule is set. */
    static RetentionPolicy retention(BackupProperties.Retention r) {
        RetentionPolicy policy;
        try {
            policy = RetentionPolicy.builder()
                    .keepLast(r.getKeepLast())
                    .keepDaily(r.getKeepDaily())
                    .keepWeekly(r.getKeepWeekly())
                    .keepMonthly(r.getKeepMonthly())
                    .keepPreUpgrade(r.getKeepPreUpgrade())
                    .maxAge(r.getMaxAge())
                    .build();
        } catch (BackupConfigurationException e) {
            throw new BackupConfigurationException(
                    "backupkit.retention",
                    "backupkit.retention: " + e.getMessage()
                            + " (counts must not be negative, max-age must be positive)",
                    e);
        }
        if (policy.isEmpty()) {
            if (policy.keepPreUpgrade() > 0) {
                throw new BackupConfigurationException(
                        "backupkit.retention.keep-pre-upgrade",
                        "backupkit.retention.keep-pre-upgrade alone deletes nothing: add keep-last, keep-daily, "
                                + "keep-weekly, keep-monthly or max-age");
            }
            return null;
        }
        return policy;
    }
}
