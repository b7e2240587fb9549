package io.backupkit.backup;

import java.time.Duration;
import java.util.Objects;

/**
 * Which complete backups to keep; all others are deleted by {@link BackupManager#prune}. A backup is
 * kept when any rule keeps it. Times are the manifests' {@code created} times, in UTC.
 *
 * <p>Safety rules that no policy overrides: the newest complete backup is always kept; a policy
 * with no rule set ({@link #isEmpty()}) deletes nothing; backups dated in the future are kept.
 *
 * @param keepLast keep the newest N
 * @param keepDaily keep the newest backup of each of the last N days that have one
 * @param keepWeekly the same per ISO week
 * @param keepMonthly the same per month
 * @param maxAge when set alone, keep every backup younger than this; with count rules, the count
 *     rules only keep backups younger than this (the newest is still kept)
 * @param keepPreUpgrade keep the newest N {@code pre-upgrade} backups regardless of the other rules
 * @param leftoverGrace objects without a manifest older than this are deleted as leftovers of
 *     interrupted backups
 */
public record RetentionPolicy(
        int keepLast,
        int keepDaily,
        int keepWeekly,
        int keepMonthly,
        Duration maxAge,
        int keepPreUpgrade,
        Duration leftoverGrace) {
    /** The default grace before leftovers of interrupted backups are removed. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);

    /**
     * Checks the rules.
     *
     * @throws BackupConfigurationException when a count is negative, {@code maxAge} is not positive or
     *     {@code leftoverGrace} is negative
     */
    public RetentionPolicy {
        if (keepLast < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0 || keepPreUpgrade < 0) {
            throw new BackupConfigurationException("retention", "retention counts must not be negative");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new BackupConfigurationException("retention.max_age", "max age must be positive");
        }
        Objects.requireNonNull(leftoverGrace, "leftoverGrace");
        if (leftoverGrace.isNegative()) {
            throw new BackupConfigurationException("retention.leftover_grace", "grace must not be negative");
        }
    }

    /** A policy that keeps the newest {@code n} and nothing else. */
    public static RetentionPolicy keepLast(int n) {
        return new RetentionPolicy(n, 0, 0, 0, null, 0, DEFAULT_GRACE);
    }

    /** A policy built rule by rule: {@code RetentionPolicy.builder().keepDaily(7).keepWeekly(4).build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RetentionPolicy}; rules left out keep nothing by themselves. */
    public static final class Builder {
        private int keepLast;
        private int keepDaily;
        private int keepWeekly;
        private int keepMonthly;
        private Duration maxAge;
        private int keepPreUpgrade;
        private Duration leftoverGrace = DEFAULT_GRACE;

        private Builder() {}

        /** Keep the newest {@code n} backups. */
        public Builder keepLast(int n) {
            this.keepLast = n;
            return this;
        }

        /** Keep the newest backup of each of the last {@code n} days that have one. */
        public Builder keepDaily(int n) {
            this.keepDaily = n;
            return this;
        }

        /** Keep the newest backup of each of the last {@code n} ISO weeks that have one. */
        public Builder keepWeekly(int n) {
            this.keepWeekly = n;
            return this;
        }

        /** Keep the newest backup of each of the last {@code n} months that have one. */
        public Builder keepMonthly(int n) {
            this.keepMonthly = n;
            return this;
        }

        /**
         * Keep backups younger than {@code age}; with count rules, those rules only keep such backups
         * ({@code null}: no age limit).
         */
        public Builder maxAge(Duration age) {
            this.maxAge = age;
            return this;
        }

        /** Keep the newest {@code n} {@code pre-upgrade} backups whatever the other rules say. */
        public Builder keepPreUpgrade(int n) {
            this.keepPreUpgrade = n;
            return this;
        }

        /** How old objects without a manifest must be before they are deleted as leftovers (default 24 hours). */
        public Builder leftoverGrace(Duration grace) {
            this.leftoverGrace = grace;
            return this;
        }

        /** The policy; {@link BackupConfigurationException} when a count is negative or a duration out of range. */
        public RetentionPolicy build() {
            return new RetentionPolicy(
                    keepLast, keepDaily, keepWeekly, keepMonthly, maxAge, keepPreUpgrade, leftoverGrace);
        }
    }

    /** True when no keep rule is set: such a policy deletes no backup (leftovers are still swept). */
    public boolean isEmpty() {
        return keepLast == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0 && maxAge == null;
    }
}
