package io.backupkit.backup.spring.boot.autoconfigure;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.Schedule;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The daily backup, started with the application context and stopped with it. On stop a running
 * backup gets {@code shutdownTimeout} to finish; then its thread is interrupted, which cancels it
 * cleanly (its objects removed, the lease released) before stop returns.
 */
public final class ScheduledBackups implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledBackups.class);
    /** How long a cancelled backup may take to remove what it had written. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(30);

    private final BackupScheduler scheduler;
    private final Schedule schedule;
    private final Duration shutdownTimeout;
    private final Object lock = new Object();
    private ScheduledExecutorService executor;

    public ScheduledBackups(BackupManager manager, Schedule schedule, Duration shutdownTimeout) {
        this.scheduler = manager.scheduler(schedule);
        this.schedule = schedule;
        this.shutdownTimeout = shutdownTimeout;
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (executor != null) {
                return;
            }
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "backupkit-scheduler");
                t.setDaemon(true);
                return t;
            });
            executor.scheduleWithFixedDelay(
                    this::check, 0, schedule.checkEvery().toMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info(
                "scheduled backups on: every {} day(s){}",
                schedule.interval().toDays(),
                schedule.windowStart() == null
                        ? ""
                        : " between " + schedule.windowStart() + " and " + schedule.windowEnd() + " "
                                + schedule.zone());
    }

    private void check() {
        try {
            scheduler.runOnce();
        } catch (RuntimeException e) {
            LOG.error("the backup scheduler failed to check whether a backup is due", e);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService running;
        synchronized (lock) {
            running = executor;
            executor = null;
        }
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            if (!running.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "a scheduled backup still runs after {} (backupkit.schedule.shutdown-timeout): cancelling it",
                        shutdownTimeout);
                running.shutdownNow();
                if (!running.awaitTermination(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("the cancelled scheduled backup did not stop within {}", CANCEL_WAIT);
                }
            }
        } catch (InterruptedException e) {
            running.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lock) {
            return executor != null;
        }
    }

    /** Checks once now, on the caller's thread; for an admin's "run the schedule now" and tests. */
    public BackupScheduler.Outcome runOnce() {
        return scheduler.runOnce();
    }

    /** Why the last scheduled backup failed, until one succeeds. */
    public Optional<BackupException> lastFailure() {
        return scheduler.lastFailure();
    }

    /** The schedule followed. */
    public Schedule schedule() {
        return schedule;
    }
}
