package io.backupkit.backup;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * When a {@link BackupScheduler} backs up: start from {@link #daily()} and change what differs, e.g.
 * {@code Schedule.daily().window(LocalTime.of(1, 0), LocalTime.of(5, 0)).retention(policy)}.
 *
 * @param interval a backup is due when the newest complete backup is this old
 * @param windowStart with {@code windowEnd}: backups start only between these local times (may wrap
 *     midnight, e.g. 22:00-04:00); {@code null} for any time
 * @param windowEnd the end of the window (exclusive)
 * @param zone the zone of the window
 * @param retryAfter after a failed attempt, how long to wait before the next
 * @param checkEvery how often the scheduler looks whether a backup is due
 * @param retention applied after each scheduled backup, or {@code null} to keep everything
 */
public record Schedule(
        Duration interval,
        LocalTime windowStart,
        LocalTime windowEnd,
        ZoneId zone,
        Duration retryAfter,
        Duration checkEvery,
        RetentionPolicy retention) {
    /**
     * Checks the schedule.
     *
     * @throws BackupConfigurationException when the interval is under an hour, {@code retryAfter} or
     *     {@code checkEvery} is not positive, or only one end of the window is set (or both are equal)
     */
    public Schedule {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(checkEvery, "checkEvery");
        if (interval.compareTo(Duration.ofHours(1)) < 0) {
            throw new BackupConfigurationException("interval", "the schedule's interval must be at least an hour");
        }
        if (retryAfter.isNegative() || retryAfter.isZero() || checkEvery.isNegative() || checkEvery.isZero()) {
            throw new BackupConfigurationException("retryAfter", "retryAfter and checkEvery must be positive");
        }
        if ((windowStart == null) != (windowEnd == null) || (windowStart != null && windowStart.equals(windowEnd))) {
            throw new BackupConfigurationException("window", "window(start, end) needs two different times");
        }
    }

    /** A backup a day at any time, UTC, a retry an hour after a failure, nothing deleted. */
    public static Schedule daily() {
        return new Schedule(
                Duration.ofDays(1), null, null, ZoneOffset.UTC, Duration.ofHours(1), Duration.ofMinutes(1), null);
    }

    /** A backup every {@code days} days. */
    public Schedule everyDays(int days) {
        if (days < 1) {
            throw new BackupConfigurationException("everyDays", "everyDays(days) needs at least 1 day, not " + days);
        }
        return new Schedule(Duration.ofDays(days), windowStart, windowEnd, zone, retryAfter, checkEvery, retention);
    }

    /** Backups start only between {@code start} and {@code end} (local times in {@link #zone()}). */
    public Schedule window(LocalTime start, LocalTime end) {
        return new Schedule(interval, start, end, zone, retryAfter, checkEvery, retention);
    }

    /** The zone the window's times are read in (default UTC). */
    public Schedule zone(ZoneId zone) {
        return new Schedule(interval, windowStart, windowEnd, zone, retryAfter, checkEvery, retention);
    }

    /** How long to wait after a failed attempt before the next (default 1 hour). */
    public Schedule retryAfter(Duration retryAfter) {
        return new Schedule(interval, windowStart, windowEnd, zone, retryAfter, checkEvery, retention);
    }

    /** How often to look whether a backup is due (default 1 minute). */
    public Schedule checkEvery(Duration checkEvery) {
        return new Schedule(interval, windowStart, windowEnd, zone, retryAfter, checkEvery, retention);
    }

    /** How much earlier than {@link #interval()} a backup counts as due, so daily runs do not drift a day. */
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

    /** Applied after each scheduled backup. */
    public Schedule retention(RetentionPolicy retention) {
        return new Schedule(interval, windowStart, windowEnd, zone, retryAfter, checkEvery, retention);
    }
}
