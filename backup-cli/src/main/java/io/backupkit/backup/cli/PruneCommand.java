package io.backupkit.backup.cli;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RetentionPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code backup prune}: retention. */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = {
            "Deletes the complete backups no rule keeps, and leftovers of interrupted backups older than the grace period.",
            "The newest complete backup is always kept. Asks for confirmation on a terminal; elsewhere needs --yes or --dry-run."
        })
final class PruneCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Option(names = "--keep-last", paramLabel = "N", description = "keep the newest N backups")
    int keepLast;

    @Option(names = "--keep-daily", paramLabel = "N", description = "keep the newest backup of each of the last N days")
    int keepDaily;

    @Option(
            names = "--keep-weekly",
            paramLabel = "N",
            description = "keep the newest backup of each of the last N ISO weeks")
    int keepWeekly;

    @Option(
            names = "--keep-monthly",
            paramLabel = "N",
            description = "keep the newest backup of each of the last N months")
    int keepMonthly;

    @Option(names = "--keep-pre-upgrade", paramLabel = "N", description = "also keep the newest N pre-upgrade backups")
    int keepPreUpgrade;

    @Option(
            names = "--grace-hours",
            paramLabel = "H",
            description = "delete leftovers of interrupted backups older than H hours (default: 24)")
    long graceHours = RetentionPolicy.DEFAULT_GRACE.toHours();

    @Option(names = "--dry-run", description = "show what would be deleted, delete nothing")
    boolean dryRun;

    @Option(
            names = {"-y", "--yes"},
            description = "delete without asking (required when there is no terminal)")
    boolean yes;

    @Option(names = "--json", description = "print the result as a JSON object")
    boolean json;

    @Override
    public Integer call() {
        if (keepLast < 0
                || keepDaily < 0
                || keepWeekly < 0
                || keepMonthly < 0
                || keepPreUpgrade < 0
                || graceHours < 0) {
            throw new UsageException("prune: the --keep-* counts and --grace-hours must not be negative");
        }
        RetentionPolicy policy = new RetentionPolicy(
                keepLast, keepDaily, keepWeekly, keepMonthly, null, keepPreUpgrade, Duration.ofHours(graceHours));
        if (policy.isEmpty()) {
            throw new UsageException(
                    "prune needs a policy: give --keep-last N (and/or --keep-daily, --keep-weekly, --keep-monthly)");
        }
        Terminal t = root.terminal;
        if (!dryRun && !yes) {
            t.requireConfirmable(
                    json, "prune deletes backups: add --yes to confirm, or --dry-run to see what would go");
        }
        PruneResult result;
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            if (!dryRun && !yes) {
                PruneResult plan = manager.prune(policy, PruneMode.DRY_RUN);
                print(plan);
                if (plan.deleted().isEmpty() && plan.leftovers().isEmpty()) {
                    return ExitCodes.OK;
                }
                if (!t.confirm("Delete " + plan.deleted().size() + " backup(s) and "
                        + plan.leftovers().size() + " leftover object(s)?")) {
                    t.err().println("backup: prune cancelled, nothing deleted");
                    return ExitCodes.FAILED;
                }
            }
            result = manager.prune(policy, dryRun ? PruneMode.DRY_RUN : PruneMode.APPLY);
        }
        print(result);
        return ExitCodes.OK;
    }

    private void print(PruneResult result) {
        Terminal t = root.terminal;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dryRun", result.dryRun());
            m.put("kept", result.kept().stream().map(b -> b.id().value()).toList());
            m.put("deleted", Json.backups(result.deleted()));
            m.put("leftovers", result.leftovers());
            Json.print(t.out(), m);
            return;
        }
        String verb = result.dryRun() ? "would delete " : "deleted ";
        for (BackupInfo b : result.deleted()) {
            t.out().println(verb + Format.summary(b));
        }
        for (String leftover : result.leftovers()) {
            t.out().println(verb + "leftover " + leftover);
        }
        if (!root.quiet) {
            t.err()
                    .println((result.dryRun() ? "dry run: " : "") + "kept "
                            + result.kept().size() + " backup(s), "
                            + verb
                            + result.deleted().size() + " backup(s) and "
                            + result.leftovers().size() + " leftover object(s)");
        }
    }
}
