package io.backupkit.backup.cli;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler.Outcome;
import io.backupkit.backup.core.config.BackupConfig;
import io.backupkit.backup.core.schedule.DefaultBackupScheduler;
import io.backupkit.backup.core.schedule.ScheduleSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code backup schedule}: the daily scheduler in the foreground, or one due-check for cron. */
@Command(
        name = "schedule",
        mixinStandardHelpOptions = true,
        description = {
            "Backs up when a backup is due: when the newest complete backup in the storage is older than",
            "schedule.interval_days (default 1) and the time is inside schedule.window. Retention from the",
            "config file's retention section runs after each backup. Running this command switches the",
            "schedule on; schedule.enabled is for host applications that embed the scheduler.",
            "With --once: check once and exit (for cron or a systemd timer, e.g. every hour).",
            "Without: keep checking every minute until stopped (Ctrl-C, SIGTERM)."
        })
final class ScheduleCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Option(names = "--once", description = "check once, back up if due, and exit")
    boolean once;

    @Override
    public Integer call() throws InterruptedException {
        BackupConfig config = root.config();
        ScheduleSettings settings =
                ScheduleSettings.from(config.schedule(), config.retention()).withEnabled(true);
        try (ProgressListener listener = root.listener(true);
                BackupManager manager =
                        BackupCli.builder(config).listener(listener.forEngine()).build()) {
            DefaultBackupScheduler scheduler = new DefaultBackupScheduler(manager, settings);
            if (once) {
                Outcome outcome = scheduler.runOnce();
                if (outcome == Outcome.FAILED) {
                    return root.report(scheduler.lastFailure().orElseThrow());
                }
                root.terminal.out().println(describe(outcome, manager));
                if (outcome == Outcome.CREATED) {
                    manager.latest().ifPresent(b -> MediaWarnings.print(root.terminal.err(), b.media(), "are kept"));
                }
                return ExitCodes.OK;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(
                    () -> {
                        scheduler.close();
                        stopped.countDown();
                    },
                    "backup-schedule-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            scheduler.start();
            if (!root.quiet) {
                root.terminal
                        .err()
                        .println("backup: scheduler running (every "
                                + settings.schedule().interval().toDays() + " day(s)"
                                + (settings.schedule().windowStart() == null
                                        ? ""
                                        : ", " + settings.schedule().windowStart() + "-"
                                                + settings.schedule().windowEnd() + " "
                                                + settings.schedule().zone())
                                + "); stop with Ctrl-C");
                root.terminal.err().flush();
            }
            try {
                stopped.await();
            } catch (InterruptedException e) {
                scheduler.close(); // SIGINT / SIGTERM: a running backup is cancelled when the manager closes
                throw new BackupCancelledException("the scheduler was stopped; a backup it was running is not kept", e);
            }
            return ExitCodes.OK;
        }
    }

    private static String describe(Outcome outcome, BackupManager manager) {
        return switch (outcome) {
            case CREATED -> "created "
                    + manager.latest().map(b -> b.id().value()).orElse("?");
            case NOT_DUE -> "not due: the newest backup is recent enough";
            case OUTSIDE_WINDOW -> "not now: outside schedule.window";
            case BUSY -> "skipped: another process is backing up";
            case HELD_OFF -> "held off after a failure";
            case FAILED -> "failed";
            case DISABLED -> "scheduled backups are off";
        };
    }
}
