package io.backupkit.backup.core.schedule;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.spi.ProviderOptions;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * When scheduled backups run.
 *
 * @param enabled off by default: an admin switches it on ({@code schedule.enabled})
 * @param interval a backup is due when the newest complete backup is this old ({@code
 *     schedule.interval_days}, default 1)
 * @param windowStart with {@code windowEnd}: backups start only between these local times (may
 *     wrap midnight, e.g. 22:00-04:00); {@code null} = any time
 * @param windowEnd end of the window (exclusive)
 * @param zone the zone of the window (default UTC)
 * @param retryAfter after a failed attempt, wait this long before the next ({@code
 *     schedule.retry_after}, default 1 hour): never a tight loop
 * @param checkEvery how often the scheduler looks whether a backup is due (default 1 minute)
 * @param retention applied after each scheduled backup, or {@code null}
 */
public record ScheduleSettings(
        boolean enabled,
        Duration interval,
        LocalTime windowStart,
        LocalTime windowEnd,
        ZoneId zone,
        Duration retryAfter,
        Duration checkEvery,
        RetentionPolicy retention) {
    public static final ScheduleSettings DISABLED = new ScheduleSettings(
            false, Duration.ofDays(1), null, null, ZoneOffset.UTC, Duration.ofHours(1), Duration.ofMinutes(1), null);

    public ScheduleSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(checkEvery, "checkEvery");
        zone = zone == null ? ZoneOffset.UTC : zone;
        if (interval.isNegative() || interval.isZero()) {
            throw new BackupConfigurationException(
                    "schedule.interval_days", "schedule.interval_days must be at least 1");
        }
        if (retryAfter.isNegative() || retryAfter.isZero() || checkEvery.isNegative() || checkEvery.isZero()) {
            throw new BackupConfigurationException(
                    "schedule.retry_after", "schedule.retry_after and check_every must be positive");
        }
        if ((windowStart == null) != (windowEnd == null) || (windowStart != null && windowStart.equals(windowEnd))) {
            throw new BackupConfigurationException(
                    "schedule.window", "schedule.window must be 'HH:MM-HH:MM' with two different times");
        }
    }

    /** A schedule set through the API: switched on. */
    public static ScheduleSettings of(Schedule s) {
        return new ScheduleSettings(
                true,
                s.interval(),
                s.windowStart(),
                s.windowEnd(),
                s.zone(),
                s.retryAfter(),
                s.checkEvery(),
                s.retention());
    }

    /** The same settings, switched on or off. */
    public ScheduleSettings withEnabled(boolean on) {
        return new ScheduleSettings(on, interval, windowStart, windowEnd, zone, retryAfter, checkEvery, retention);
    }

    /** How much earlier than {@code interval} a backup counts as due, so daily runs do not drift a day. */
    public Duration slack() {
        Duration s = interval.dividedBy(24);
        return s.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : s;
    }

    /** Whether {@code time} (local, in {@link #zone()}) lies in the window. */
    public boolean inWindow(LocalTime time) {
        if (windowStart == null) {
            return true;
        }
        return windowStart.isBefore(windowEnd)
                ? !time.isBefore(windowStart) && time.isBefore(windowEnd)
                : !time.isBefore(windowStart) || time.isBefore(windowEnd);
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
        return new ScheduleSettings(
                s.bool("enabled", false),
                Duration.ofDays(days),
                start,
                end,
                zone,
                s.duration("retry_after", Duration.ofHours(1)),
                s.duration("check_every", Duration.ofMinutes(1)),
                retention(retention));
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
