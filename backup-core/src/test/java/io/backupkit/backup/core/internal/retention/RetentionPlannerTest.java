package io.backupkit.backup.core.internal.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** T12, T13: retention properties, over seeded random histories. */
class RetentionPlannerTest {
    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    static BackupInfo backup(String name, Instant created, String... labels) {
        byte[] b = new byte[2];
        new Random(created.toEpochMilli() ^ name.hashCode()).nextBytes(b);
        return new BackupInfo(
                1,
                BackupId.of(name, created, HexFormat.of().formatHex(b)),
                created,
                List.of(labels),
                Map.of(),
                null,
                "test",
                null,
                null,
                List.of(),
                Duration.ZERO);
    }

    static List<BackupInfo> history(Random r, int n) {
        List<BackupInfo> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant t = NOW.minus(Duration.ofMinutes(r.nextInt(60 * 24 * 400)));
            if (r.nextInt(20) == 0) {
                t = NOW.plus(Duration.ofHours(1 + r.nextInt(48))); // a clock ahead
            }
            // names deliberately disagree with times: retention must not read them
            out.add(backup(
                    r.nextBoolean() ? "zzz" : "aaa",
                    t,
                    r.nextInt(5) == 0 ? CreateOptions.PRE_UPGRADE : CreateOptions.DAILY));
        }
        return out;
    }

    static RetentionPolicy randomPolicy(Random r) {
        return new RetentionPolicy(
                r.nextInt(4),
                r.nextInt(8),
                r.nextInt(5),
                r.nextInt(4),
                r.nextInt(4) == 0 ? Duration.ofDays(1 + r.nextInt(60)) : null,
                r.nextInt(3),
                Duration.ofHours(1));
    }

    @RepeatedTest(200)
    void t12_newestCompleteIsNeverDeletedAndFutureDatedAreKept(RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        List<BackupInfo> backups = history(r, 1 + r.nextInt(40));
        RetentionPlanner.Plan plan = RetentionPlanner.plan(backups, randomPolicy(r), NOW);
        BackupInfo newest = backups.stream()
                .max((a, b) -> a.created().compareTo(b.created()))
                .orElseThrow();
        BackupInfo newestPast = backups.stream()
                .filter(b -> !b.created().isAfter(NOW))
                .max((a, b) -> a.created().compareTo(b.created()))
                .orElse(newest);
        assertThat(plan.keep()).contains(newest, newestPast);
        assertThat(plan.delete()).noneMatch(b -> b.created().isAfter(NOW));
        assertThat(plan.keep().size() + plan.delete().size()).isEqualTo(backups.size());
        assertThat(plan.keep()).noneMatch(plan.delete()::contains);
    }

    @RepeatedTest(50)
    void t12_emptyOrZeroPolicyDeletesNothing(RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        List<BackupInfo> backups = history(r, r.nextInt(30));
        RetentionPlanner.Plan plan =
                RetentionPlanner.plan(backups, new RetentionPolicy(0, 0, 0, 0, null, 0, Duration.ZERO), NOW);
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.keep()).hasSameSizeAs(backups);
    }

    @Test
    void t13_orderingUsesManifestTimeNotNames() {
        BackupInfo oldButLateName = backup("zzz", NOW.minus(Duration.ofDays(10)));
        BackupInfo newButEarlyName = backup("aaa", NOW.minus(Duration.ofDays(1)));
        RetentionPlanner.Plan plan =
                RetentionPlanner.plan(List.of(oldButLateName, newButEarlyName), RetentionPolicy.keepLast(1), NOW);
        assertThat(plan.keep()).containsExactly(newButEarlyName);
        assertThat(plan.delete()).containsExactly(oldButLateName);
    }

    @Test
    void dailyKeepsTheNewestOfEachDay() {
        BackupInfo d1a = backup("b", Instant.parse("2026-11-26T01:00:00Z"));
        BackupInfo d1b = backup("b", Instant.parse("2026-11-26T23:00:00Z"));
        BackupInfo d2 = backup("b", Instant.parse("2026-11-25T10:00:00Z"));
        BackupInfo d3 = backup("b", Instant.parse("2026-11-24T10:00:00Z"));
        RetentionPlanner.Plan plan = RetentionPlanner.plan(
                List.of(d1a, d1b, d2, d3), new RetentionPolicy(0, 2, 0, 0, null, 0, Duration.ZERO), NOW);
        assertThat(plan.keep()).containsExactly(d1b, d2);
        assertThat(plan.delete()).containsExactly(d1a, d3);
    }

    @Test
    void preUpgradeBackupsAreKeptByTheirOwnRule() {
        BackupInfo newest = backup("b", NOW.minus(Duration.ofHours(1)));
        BackupInfo upgrade = backup("b", NOW.minus(Duration.ofDays(100)), CreateOptions.PRE_UPGRADE);
        BackupInfo old = backup("b", NOW.minus(Duration.ofDays(200)));
        RetentionPlanner.Plan plan = RetentionPlanner.plan(
                List.of(newest, upgrade, old), new RetentionPolicy(1, 0, 0, 0, null, 1, Duration.ZERO), NOW);
        assertThat(plan.keep()).containsExactly(newest, upgrade);
    }

    @Test
    void maxAgeAloneKeepsWhatIsYoungerAndTheNewest() {
        BackupInfo young = backup("b", NOW.minus(Duration.ofDays(2)));
        BackupInfo old = backup("b", NOW.minus(Duration.ofDays(40)));
        RetentionPlanner.Plan plan = RetentionPlanner.plan(
                List.of(young, old), new RetentionPolicy(0, 0, 0, 0, Duration.ofDays(30), 0, Duration.ZERO), NOW);
        assertThat(plan.keep()).containsExactly(young);
        RetentionPlanner.Plan onlyOld = RetentionPlanner.plan(
                List.of(old), new RetentionPolicy(0, 0, 0, 0, Duration.ofDays(30), 0, Duration.ZERO), NOW);
        assertThat(onlyOld.keep()).as("the newest is kept even when too old").containsExactly(old);
    }
}
