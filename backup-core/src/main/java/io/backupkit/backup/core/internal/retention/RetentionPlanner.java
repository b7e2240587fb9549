package io.backupkit.backup.core.internal.retention;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.RetentionPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides which complete backups a policy keeps, from manifest times only (never names).
 *
 * <p>Rules, in order: a policy with no rule keeps everything; backups dated after {@code now} are
 * kept (a clock may be wrong; deleting them could remove the newest real backup); the newest
 * complete backup is always kept; then a backup is kept if any rule keeps it: {@code keepLast}, one
 * per day / ISO week / month for the newest N periods (the newest backup of each period), {@code
 * maxAge} (alone: keep everything younger; with count rules: count rules apply only to backups
 * younger than it), and {@code keepPreUpgrade} (the newest N {@code pre-upgrade} backups, whatever
 * the other rules say).
 */
public final class RetentionPlanner {
    private RetentionPlanner() {}

    /** The plan: what to keep and what to delete, both newest first. */
    public record Plan(List<BackupInfo> keep, List<BackupInfo> delete) {}

    public static Plan plan(List<BackupInfo> backups, RetentionPolicy policy, Instant now) {
        List<BackupInfo> sorted = new ArrayList<>(backups);
        sorted.sort(Comparator.comparing(BackupInfo::created)
                .thenComparing(BackupInfo::id)
                .reversed());
        if (policy.isEmpty() || sorted.isEmpty()) {
            return new Plan(sorted, List.of());
        }
        Set<BackupInfo> keep = new HashSet<>();
        List<BackupInfo> past = new ArrayList<>();
        for (BackupInfo b : sorted) {
            if (b.created().isAfter(now)) {
                keep.add(b);
            } else {
                past.add(b);
            }
        }
        keep.add(sorted.get(0));
        if (!past.isEmpty()) {
            keep.add(past.get(0));
        }
        boolean counts =
                policy.keepLast() > 0 || policy.keepDaily() > 0 || policy.keepWeekly() > 0 || policy.keepMonthly() > 0;
        List<BackupInfo> eligible = past;
        if (policy.maxAge() != null) {
            Instant cutoff = now.minus(policy.maxAge());
            eligible = past.stream().filter(b -> !b.created().isBefore(cutoff)).toList();
            if (!counts) {
                keep.addAll(eligible);
            }
        }
        eligible.stream().limit(policy.keepLast()).forEach(keep::add);
        keep.addAll(newestPerPeriod(eligible, policy.keepDaily(), b -> day(b.created())));
        keep.addAll(newestPerPeriod(eligible, policy.keepWeekly(), b -> {
            LocalDate d = day(b.created());
            return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        }));
        keep.addAll(newestPerPeriod(eligible, policy.keepMonthly(), b -> {
            LocalDate d = day(b.created());
            return d.getYear() + "-" + d.getMonthValue();
        }));
        past.stream()
                .filter(b -> b.hasLabel(CreateOptions.PRE_UPGRADE))
                .limit(policy.keepPreUpgrade())
                .forEach(keep::add);
        List<BackupInfo> kept = new ArrayList<>();
        List<BackupInfo> deleted = new ArrayList<>();
        for (BackupInfo b : sorted) {
            (keep.contains(b) ? kept : deleted).add(b);
        }
        return new Plan(kept, deleted);
    }

    private static LocalDate day(Instant t) {
        return t.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The newest backup of each of the newest {@code n} periods that have one; input newest first. */
    private static List<BackupInfo> newestPerPeriod(
            List<BackupInfo> newestFirst, int n, Function<BackupInfo, Object> period) {
        Set<Object> seen = new LinkedHashSet<>();
        List<BackupInfo> out = new ArrayList<>();
        for (BackupInfo b : newestFirst) {
            if (seen.size() >= n) {
                break;
            }
            if (seen.add(period.apply(b))) {
                out.add(b);
            }
        }
        return out;
    }
}
