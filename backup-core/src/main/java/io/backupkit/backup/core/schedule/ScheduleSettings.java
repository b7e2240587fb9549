package io.backupkit.backup.core.schedule;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.spi.ProviderOptions;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code schedule} and {@code retention} settings of the configuration: whether scheduled
 * backups are on (off by default: an admin switches them on) and the {@link Schedule} they follow.
 */
public record ScheduleSettings(boolean enabled, Schedule schedule) {
    public static final ScheduleSettings DISABLED = new ScheduleSettings(false, Schedule.daily());

    public ScheduleSettings {
        Objects.requireNonNull(schedule, "schedule");
    }

    /** A schedule set through the API: switched on. */
    public static ScheduleSettings of(Schedule schedule) {
        return new ScheduleSettings(true, schedule);
    }

    /** The same settings, switched on or off. */
    public ScheduleSettings withEnabled(boolean on) {
        return new ScheduleSettings(on, schedule);
    }

    /**
     * Reads the {@code schedule} and {@code retention} maps of the configuration. Wrong types,
     * unknown keys, zero or negative intervals and contradictory retention settings fail here, at
     * start, naming the key.
     */
    public static ScheduleSettings from(Map<String, ?> schedule, Map<String, ?> retention) {
        ProviderOptions s = new ProviderOptions("schedule", schedule == null ? Map.of() : schedule)
                .requireOnly(Set.of("enabled", "interval_days", "window", "zone", "retry_after", "check_every"));
        long days = s.longValue("interval_days", 1);
        if (days < 1) {
            throw new BackupConfigurationException(
                    "schedule.interval_days", "schedule.interval_days must be at least 1, not " + days);
        }
        LocalTime start = null;
        LocalTime end = null;
        String window = s.string("window").orElse(null);
        if (window != null && !window.isBlank()) {
            String[] parts = window.split("-");
            try {
                if (parts.length != 2) {
                    throw new DateTimeException("two times expected");
                }
                start = LocalTime.parse(parts[0].trim());
                end = LocalTime.parse(parts[1].trim());
            } catch (DateTimeException e) {
                throw new BackupConfigurationException(
                        "schedule.window", "schedule.window must look like 01:00-05:00, not '" + window + "'");
            }
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(s.string("zone").orElse("UTC"));
        } catch (DateTimeException e) {
            throw new BackupConfigurationException(
                    "schedule.zone", "schedule.zone is not a time zone id (e.g. UTC, Europe/Berlin)");
        }
        Duration retryAfter = s.duration("retry_after", Duration.ofHours(1));
        Duration checkEvery = s.duration("check_every", Duration.ofMinutes(1));
        if (retryAfter.isNegative() || retryAfter.isZero() || checkEvery.isNegative() || checkEvery.isZero()) {
            throw new BackupConfigurationException(
                    "schedule.retry_after", "schedule.retry_after and check_every must be positive");
        }
        return new ScheduleSettings(
                s.bool("enabled", false),
                new Schedule(Duration.ofDays(days), start, end, zone, retryAfter, checkEvery, retention(retention)));
    }

    /** The {@code retention} map as a policy, or {@code null} when it is absent or empty. */
    public static RetentionPolicy retention(Map<String, ?> map) {
        if (map == null || map.isEmpty()) {
            return null;
        }
        ProviderOptions r = new ProviderOptions("retention", map)
                .requireOnly(Set.of(
                        "keep_last",
                        "keep_daily",
                        "keep_weekly",
                        "keep_monthly",
                        "max_age",
                        "keep_pre_upgrade",
                        "leftover_grace"));
        RetentionPolicy policy = new RetentionPolicy(
                nonNegative(r, "keep_last"),
                nonNegative(r, "keep_daily"),
                nonNegative(r, "keep_weekly"),
                nonNegative(r, "keep_monthly"),
                r.duration("max_age", null),
                nonNegative(r, "keep_pre_upgrade"),
                r.duration("leftover_grace", RetentionPolicy.DEFAULT_GRACE));
        if (policy.isEmpty() && policy.keepPreUpgrade() > 0) {
            throw new BackupConfigurationException(
                    "retention.keep_pre_upgrade",
                    "retention.keep_pre_upgrade alone has no effect: a "
                            + "policy without keep_last, keep_daily, keep_weekly, keep_monthly or max_age deletes nothing; add one of them");
        }
        return policy;
    }

    private static int nonNegative(ProviderOptions o, String key) {
        int v = o.integer(key, 0);
        if (v < 0) {
            throw new BackupConfigurationException(o.keyName(key), o.keyName(key) + " must not be negative");
        }
        return v;
    }
}
