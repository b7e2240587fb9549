package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import io.backupkit.backup.BackupDiff;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.BackupSettings;
import io.backupkit.backup.CheckResult;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.DeleteResult;
import io.backupkit.backup.KeptAside;
import io.backupkit.backup.MediaRestoreResult;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.RollbackOptions;
import io.backupkit.backup.RollbackResult;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.UnlockMode;
import io.backupkit.backup.UnlockResult;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import io.backupkit.backup.core.schedule.DefaultBackupScheduler;
import io.backupkit.backup.core.schedule.ScheduleSettings;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link BackupManager} that times create, restore, verify and prune ({@code
 * backupkit.operation.duration}, tagged {@code operation} and {@code outcome}) and records the bytes
 * each create stored ({@code backupkit.backup.size}). Its scheduler runs on it, so scheduled
 * backups and their retention are measured too.
 */
public final class MeteredBackupManager implements BackupManager {
    static final String DURATION = "backupkit.operation.duration";
    static final String SIZE = "backupkit.backup.size";

    private final BackupManager delegate;
    private final MeterRegistry registry;
    private final DistributionSummary sizes;

    public MeteredBackupManager(BackupManager delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
        this.sizes = DistributionSummary.builder(SIZE)
                .description("Bytes stored per backup created")
                .baseUnit("bytes")
                .register(registry);
    }

    /** The manager this one measures. */
    public BackupManager delegate() {
        return delegate;
    }

    private <T> T timed(String operation, Supplier<T> call, Predicate<T> succeeded) {
        long start = System.nanoTime();
        String outcome = "failure";
        try {
            T result = call.get();
            outcome = succeeded.test(result) ? "success" : "failure";
            return result;
        } finally {
            Timer.builder(DURATION)
                    .description("How long backupkit operations take")
                    .tag("operation", operation)
                    .tag("outcome", outcome)
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public CreateResult create(CreateOptions options) {
        CreateResult result = timed("create", () -> delegate.create(options), r -> true);
        sizes.record(result.backup().size());
        return result;
    }

    @Override
    public RestoreResult restore(RestoreOptions options) {
        return timed("restore", () -> delegate.restore(options), r -> true);
    }

    @Override
    public RollbackResult rollback(RollbackOptions options) {
        return timed("rollback", () -> delegate.rollback(options), r -> true);
    }

    @Override
    public Optional<KeptAside> keptAside() {
        return delegate.keptAside();
    }

    @Override
    public VerifyResult verify(String idOrLatest, VerifyMode mode) {
        return timed("verify", () -> delegate.verify(idOrLatest, mode), VerifyResult::ok);
    }

    @Override
    public PruneResult prune(RetentionPolicy policy, PruneMode mode) {
        return timed("prune", () -> delegate.prune(policy, mode), r -> true);
    }

    @Override
    public List<BackupInfo> list() {
        return delegate.list();
    }

    @Override
    public Optional<BackupInfo> latest() {
        return delegate.latest();
    }

    @Override
    public BackupInfo get(String idOrLatest) {
        return delegate.get(idOrLatest);
    }

    @Override
    public BackupDiff diff(String from, String to) {
        return delegate.diff(from, to);
    }

    @Override
    public MediaRestoreResult restoreMedia(String idOrLatest, String mediaPath, Path target) {
        return delegate.restoreMedia(idOrLatest, mediaPath, target);
    }

    @Override
    public DeleteResult delete(String id) {
        return delegate.delete(id);
    }

    @Override
    public CheckResult check() {
        return delegate.check();
    }

    @Override
    public BackupScheduler scheduler(Schedule schedule) {
        return new DefaultBackupScheduler(this, ScheduleSettings.of(schedule));
    }

    @Override
    public UnlockResult unlock(UnlockMode mode) {
        return delegate.unlock(mode);
    }

    @Override
    public BackupSettings settings() {
        return delegate.settings();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
