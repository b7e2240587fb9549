package io.backupkit.backup.core.schedule;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.core.internal.engine.EngineSettings;
import io.backupkit.backup.core.internal.lease.StorageLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backup when one is due, on its own thread (never a caller's request thread).
 *
 * <p>A backup is due when the newest complete backup in the storage (any label) is older than the
 * interval less a small slack (so a daily run at 02:00 does not drift to every second day), and the
 * time is inside the window. The answer comes from the manifests in the storage, so it survives
 * restarts and is the same for every instance of the host application.
 *
 * <p>Single flight: an instance first takes the {@code schedule.lease} in the storage, checks
 * again whether a backup is due, and only then backs up; a second instance finds the lease taken
 * or the new backup listed. A stale lease (its holder died) is taken over once it expires.
 *
 * <p>A failed attempt is logged at ERROR with its cause (and reported to the manager's listener as
 * {@code backupFailed}); the next attempt waits {@link ScheduleSettings#retryAfter()}. After a
 * successful backup the retention policy, if any, is applied.
 */
public final class DefaultBackupScheduler implements BackupScheduler {
    /** The storage lease an instance holds while it decides and backs up. */
    public static final String LEASE = "schedule.lease";

    public static final String LABEL = CreateOptions.DAILY;

    private static final Logger LOG = LoggerFactory.getLogger(DefaultBackupScheduler.class);

    private final BackupManager manager;
    private final ScheduleSettings settings;
    private final Schedule schedule;
    private final Clock clock;
    private final Object lock = new Object();
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> task;
    private Instant lastFailure;
    private BackupException lastError;

    public DefaultBackupScheduler(BackupManager manager, ScheduleSettings settings) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.schedule = settings.schedule();
        this.clock = EngineSettings.of(manager).clock();
    }

    /** Starts checking in the background; does nothing when the schedule is disabled. */
    @Override
    public DefaultBackupScheduler start() {
        synchronized (lock) {
            if (!settings.enabled()) {
                LOG.info("scheduled backups are off (schedule.enabled is false)");
                return this;
            }
            if (executor != null) {
                return this;
            }
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "backup-scheduler");
                t.setDaemon(true);
                return t;
            });
            long period = schedule.checkEvery().toMillis();
            task = executor.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
            LOG.info(
                    "scheduled backups on: every {} day(s){}",
                    schedule.interval().toDays(),
                    schedule.windowStart() == null
                            ? ""
                            : " between " + schedule.windowStart() + " and " + schedule.windowEnd() + " "
                                    + schedule.zone());
            return this;
        }
    }

    private void tick() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.error("the backup scheduler failed to check whether a backup is due", e);
        }
    }

    /** Checks once and backs up if due. Used by the background thread, and by tests with their clock. */
    @Override
    public Outcome runOnce() {
        if (!settings.enabled()) {
            return Outcome.DISABLED;
        }
        Instant now = clock.instant();
        synchronized (lock) {
            if (lastFailure != null && now.isBefore(lastFailure.plus(schedule.retryAfter()))) {
                return Outcome.HELD_OFF;
            }
        }
        if (!schedule.inWindow(now.atZone(schedule.zone()).toLocalTime())) {
            return Outcome.OUTSIDE_WINDOW;
        }
        if (!isDue(now)) {
            return Outcome.NOT_DUE;
        }
        Optional<StorageLease> lease = StorageLease.tryAcquire(
                EngineSettings.of(manager).storage(),
                LEASE,
                StorageLease.defaultOwner(),
                EngineSettings.of(manager).leaseTtl(),
                clock);
        if (lease.isEmpty()) {
            return Outcome.BUSY;
        }
        try (StorageLease held = lease.get()) {
            if (!isDue(clock.instant())) {
                return Outcome.NOT_DUE; // another instance just made it
            }
            CreateResult result = manager.create(CreateOptions.labelled(LABEL));
            LOG.info("scheduled backup {} done", result.id());
            synchronized (lock) {
                lastFailure = null;
                lastError = null;
            }
            if (schedule.retention() != null) {
                PruneResult pruned = manager.prune(schedule.retention(), PruneMode.APPLY);
                LOG.info(
                        "retention after the scheduled backup: {} deleted, {} kept",
                        pruned.deleted().size(),
                        pruned.kept().size());
            }
            return Outcome.CREATED;
        } catch (BackupInProgressException e) {
            LOG.info("a backup is already running elsewhere: {}", e.getMessage());
            return Outcome.BUSY;
        } catch (BackupException e) {
            synchronized (lock) {
                lastFailure = clock.instant();
                lastError = e;
            }
            LOG.error("scheduled backup failed; next attempt in {}: {}", schedule.retryAfter(), e.getMessage(), e);
            return Outcome.FAILED;
        }
    }

    @Override
    public Optional<BackupException> lastFailure() {
        synchronized (lock) {
            return Optional.ofNullable(lastError);
        }
    }

    /** Whether the newest complete backup is older than the interval (less the slack). */
    public boolean isDue(Instant now) {
        Optional<BackupInfo> newest = manager.latest();
        if (newest.isEmpty()) {
            return true;
        }
        Duration age = Duration.between(newest.get().created(), now);
        return age.compareTo(schedule.interval().minus(schedule.slack())) >= 0;
    }

    /** Stops the background thread, waiting for a running backup to finish. */
    @Override
    public void close() {
        synchronized (lock) {
            if (executor == null) {
                return;
            }
            task.cancel(false);
            executor.shutdown();
        }
        try {
            if (!executor.awaitTermination(1, TimeUnit.HOURS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
