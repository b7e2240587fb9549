package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupDiff;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.BackupSettings;
import io.backupkit.backup.CheckResult;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.DeleteResult;
import io.backupkit.backup.MediaRestoreResult;
import io.backupkit.backup.Phase;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.Schedule;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.UnlockMode;
import io.backupkit.backup.UnlockResult;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import io.backupkit.backup.core.internal.dedup.Repository;
import io.backupkit.backup.core.internal.lease.StorageLease;
import io.backupkit.backup.core.internal.manifest.ObjectNames;
import io.backupkit.backup.core.internal.pipeline.HashingInputStream;
import io.backupkit.backup.core.internal.retention.RetentionPlanner;
import io.backupkit.backup.core.schedule.DefaultBackupScheduler;
import io.backupkit.backup.core.schedule.ScheduleSettings;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link BackupManager}: immutable and thread-safe; operations that change the storage
 * hold the storage lease.
 */
final class DefaultBackupManager implements BackupManager {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultBackupManager.class);
    /** Artifact names of backups: used only to find leftovers (objects whose manifest is missing). */
    private static final Pattern ARTIFACT =
            Pattern.compile("(" + BackupId.ID.pattern() + ")\\.(db\\.|media\\.tar|media\\.tree|manifest\\.json).*");

    private final EngineSettings settings;
    private final BackupSettings given;
    private final BackupStorage storage;
    private final Catalog catalog;
    private final RunningOperations running = new RunningOperations();

    DefaultBackupManager(EngineSettings settings, BackupSettings given) {
        this.settings = settings;
        this.given = given;
        this.storage = settings.storage();
        this.catalog = new Catalog(storage, settings.listener());
        try {
            MediaFolderGuard.check(settings);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        RestoreRecovery.atStart(settings);
    }

    /** How long {@link #close()} waits for cancelled operations to clean up. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** Runs one operation on the calling thread, known to {@link #close()}. */
    private <T> T tracked(String what, Supplier<T> operation) {
        running.enter(what);
        try {
            return operation.get();
        } catch (BackupException e) {
            throw e.describedBy(given.settingNames());
        } finally {
            running.leave();
        }
    }

    @Override
    public CreateResult create(CreateOptions options) {
        return tracked("backup", () -> doCreate(options));
    }

    private CreateResult doCreate(CreateOptions options) {
        BackupListener listener = settings.listener();
        MediaFolderGuard.check(settings); // again: a folder may have become a link since build()
        Events.fire(listener, l -> l.backupStarted(options));
        CompletableFuture<DatabaseDescription> described = CreateOperation.describeAhead(settings.dumper());
        try (LeaseGuard lease = LeaseGuard.acquire(settings);
                TargetGuard target = lockTargetForCreate(described)) {
            Repository.checkFormat(storage, settings.format());
            CreateResult result = new CreateOperation(settings).run(options, false, described);
            LOG.info(
                    "backup {} created ({} bytes) in {}",
                    result.id(),
                    result.backup().size(),
                    storage.describe());
            Events.fire(listener, l -> l.backupSucceeded(result));
            return result;
        } catch (BackupException e) {
            BackupException reported = CreateOperation.asCancellation(e);
            LOG.debug("backup failed (thrown to the caller): {}", reported.getMessage());
            Events.fire(listener, l -> l.backupFailed(options, reported));
            throw reported;
        } finally {
            CreateOperation.awaitQuietly(described); // a create that failed first leaves nothing running
        }
    }

    /**
     * The target lock of a create. The dumper's lock opens a session of its own, and its failure to
     * connect is worded for either operation; the description running ahead meets the same cause
     * (a wrong password, a server down) worded for a backup, and is the one reported.
     */
    private TargetGuard lockTargetForCreate(CompletableFuture<DatabaseDescription> described) {
        try {
            return TargetGuard.acquire(settings);
        } catch (BackupInProgressException e) {
            throw e;
        } catch (BackupException e) {
            if (described != null) {
                described.handle((d, failure) -> failure).join();
                if (described.isCompletedExceptionally()) {
                    try {
                        described.join();
                    } catch (CompletionException ce) {
                        if (ce.getCause() instanceof BackupException dumpFailure) {
                            dumpFailure.addSuppressed(e);
                            throw dumpFailure;
                        }
                    }
                }
            }
            throw e;
        }
    }

    @Override
    public RestoreResult restore(RestoreOptions options) {
        return tracked("restore", () -> doRestore(options));
    }

    private RestoreResult doRestore(RestoreOptions options) {
        BackupListener listener = settings.listener();
        MediaFolderGuard.check(settings);
        try (LeaseGuard lease = LeaseGuard.acquire(settings)) {
            Repository.checkFormat(storage, settings.format());
            BackupInfo backup = catalog.get(options.backup());
            try (TargetGuard target = TargetGuard.acquire(settings)) { // after the lookup: a wrong id touches nothing
                Events.fire(listener, l -> l.restoreStarted(backup));
                RestoreResult result = new RestoreOperation(settings).run(backup, options);
                LOG.info("backup {} restored", backup.id());
                Events.fire(listener, l -> l.restoreSucceeded(result));
                return result;
            }
        } catch (BackupException e) {
            LOG.debug("restore failed (thrown to the caller): {}", e.getMessage());
            Events.fire(listener, l -> l.restoreFailed(options.backup(), e));
            throw e;
        }
    }

    @Override
    public Optional<io.backupkit.backup.KeptAside> keptAside() {
        return tracked(
                "read what is kept aside", () -> KeptAsideRecord.find(settings).map(KeptAsideRecord::info));
    }

    @Override
    public io.backupkit.backup.RollbackResult rollback(io.backupkit.backup.RollbackOptions options) {
        return tracked("rollback", () -> {
            MediaFolderGuard.check(settings);
            try (LeaseGuard lease = LeaseGuard.acquire(settings);
                    TargetGuard target = TargetGuard.acquire(settings)) {
                return new RollbackOperation(settings).run(options);
            }
        });
    }

    /** Drops what a restore kept aside once older than the setting says; returns what it dropped. */
    private List<String> pruneKeptAside(Instant now, boolean dryRun) {
        Optional<KeptAsideRecord> kept = KeptAsideRecord.find(settings);
        if (kept.isEmpty() || !kept.get().since().isBefore(now.minus(settings.keepAsideFor()))) {
            return List.of();
        }
        String what = "the state kept aside before the restore of " + kept.get().restored() + " ("
                + kept.get().since() + ")";
        if (!dryRun) {
            try (TargetGuard target = TargetGuard.lock(settings)) {
                kept.get().drop(settings);
                KeptAsideRecord.delete(settings);
            }
        }
        return List.of(what);
    }

    @Override
    public List<BackupInfo> list() {
        return tracked("list backups", catalog::list);
    }

    @Override
    public Optional<BackupInfo> latest() {
        return tracked("find the latest backup", catalog::latest);
    }

    @Override
    public BackupInfo get(String idOrLatest) {
        return tracked("find a backup", () -> catalog.get(idOrLatest));
    }

    @Override
    public VerifyResult verify(String idOrLatest, VerifyMode mode) {
        return tracked("verify", () -> doVerify(idOrLatest, mode == VerifyMode.DEEP));
    }

    private VerifyResult doVerify(String idOrLatest, boolean deep) {
        BackupInfo backup = catalog.get(idOrLatest);
        List<String> problems = new ArrayList<>();
        boolean dedup = DedupParts.isDedup(backup);
        for (ArtifactInfo a : backup.artifacts()) {
            Optional<String> problem = ArtifactReader.presence(storage, a).map(ArtifactReader.Problem::text);
            if (problem.isEmpty() && deep && !dedup) {
                problem = deepCheck(backup, a);
            }
            problem.ifPresent(problems::add);
        }
        if (deep && dedup && problems.isEmpty()) {
            problems.addAll(DedupParts.deepCheck(settings, backup));
        }
        if (Thread.currentThread().isInterrupted()) {
            // reads fail on an interrupted thread: what they reported is no finding about the backup
            throw new BackupCancelledException(
                    "the verification of " + backup.id() + " was cancelled; nothing was changed", null);
        }
        return new VerifyResult(backup, deep, problems);
    }

    /** Reads the artifact once: digest of the stored bytes, and it decodes to its end. */
    private Optional<String> deepCheck(BackupInfo backup, ArtifactInfo a) {
        settings.listener().phaseStarted(Phase.DOWNLOAD_VERIFY, a.size());
        try (InputStream raw = ArtifactReader.openRaw(storage, a);
                HashingInputStream hashed = new HashingInputStream(raw)) {
            boolean decodable = !a.encrypted()
                    || (settings.encryption() != null && settings.encryption().canDecrypt());
            String decodeProblem = null;
            if (decodable) {
                try (InputStream decoded =
                        ArtifactReader.decode(settings, backup, a, CloseShieldInputStream.wrap(hashed))) {
                    decoded.transferTo(OutputStream.nullOutputStream());
                } catch (IOException | CorruptBackupException | UnableToDecryptException e) {
                    decodeProblem = a.name() + ": cannot be decoded (" + e.getMessage() + ")";
                }
            }
            hashed.drain();
            try {
                ArtifactReader.check(a, hashed);
            } catch (CorruptBackupException e) {
                return Optional.of(e.getMessage());
            }
            return Optional.ofNullable(decodeProblem);
        } catch (IOException e) {
            return Optional.of(a.name() + ": cannot be read (" + e.getMessage() + ")");
        } finally {
            settings.listener().phaseFinished(Phase.DOWNLOAD_VERIFY);
        }
    }

    @Override
    public BackupDiff diff(String from, String to) {
        return tracked("compare backups", () -> new DiffOperation(settings, catalog).run(from, to));
    }

    @Override
    public MediaRestoreResult restoreMedia(String idOrLatest, String mediaPath, Path target) {
        return tracked(
                "restore media", () -> new MediaPathRestore(settings, catalog).run(idOrLatest, mediaPath, target));
    }

    @Override
    public DeleteResult delete(String id) {
        return tracked("delete", () -> {
            try (LeaseGuard lease = LeaseGuard.acquire(settings)) {
                BackupInfo backup = catalog.get(id);
                return new DeleteResult(backup.id(), deleteSet(backup));
            }
        });
    }

    @Override
    public UnlockResult unlock(UnlockMode mode) {
        return tracked("unlock", () -> {
            StorageLease.Inspection found = StorageLease.unlock(
                    storage, LeaseGuard.NAME, mode == UnlockMode.FORCE, settings.leaseTtl(), settings.clock());
            return new UnlockResult(found.owner(), found.expires(), found.staleReason(), found.removed());
        });
    }

    /** Deletes the manifest first (the set stops being visible at once), then the artifacts. */
    private List<String> deleteSet(BackupInfo backup) {
        List<String> names = new ArrayList<>();
        names.add(ObjectNames.manifest(backup.id()));
        backup.artifacts().forEach(a -> names.add(a.name()));
        for (String n : names) {
            deleteObject(n);
        }
        return names;
    }

    private void deleteObject(String name) {
        try {
            storage.delete(name);
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(), name, "cannot delete " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public PruneResult prune(RetentionPolicy policy, PruneMode mode) {
        return tracked("prune", () -> {
            if (mode == PruneMode.DRY_RUN) {
                Repository.checkFormat(storage, settings.format());
                return plan(policy, true);
            }
            try (LeaseGuard lease = LeaseGuard.acquire(settings)) {
                Repository.checkFormat(storage, settings.format());
                return plan(policy, false);
            }
        });
    }

    private PruneResult plan(RetentionPolicy policy, boolean dryRun) {
        Instant now = settings.clock().instant();
        Catalog.Scan scan = catalog.scan();
        // only backups whose artifacts are all there count: one with a missing or short artifact
        // must not take an intact backup's place under a keep rule; it is kept and reported
        Map<String, Long> sizes = new HashMap<>();
        scan.objects().forEach(o -> sizes.put(o.name(), o.size()));
        List<BackupInfo> intact = new ArrayList<>();
        List<BackupInfo> broken = new ArrayList<>();
        for (BackupInfo b : scan.complete()) {
            boolean whole =
                    b.artifacts().stream().allMatch(a -> Long.valueOf(a.size()).equals(sizes.get(a.name())));
            (whole ? intact : broken).add(b);
        }
        for (BackupInfo b : broken) {
            String msg = "backup " + b.id() + " is incomplete (an artifact is missing or has the wrong size): prune "
                    + "neither counts nor deletes it; verify it (deep) to see what is wrong";
            Events.warn(settings.listener(), msg);
        }
        RetentionPlanner.Plan retention = RetentionPlanner.plan(intact, policy, now);
        List<BackupInfo> keep = new ArrayList<>(retention.keep());
        keep.addAll(broken);
        keep.sort(Catalog.NEWEST_FIRST);
        RetentionPlanner.Plan plan = new RetentionPlanner.Plan(keep, retention.delete());
        Set<String> protectedIds = new HashSet<>();
        scan.complete().forEach(b -> protectedIds.add(b.id().value()));
        for (String unreadable : scan.unreadableManifests()) {
            ObjectNames.manifestId(unreadable).ifPresent(id -> protectedIds.add(id.value())); // never guess: keep
        }
        List<String> leftovers = new ArrayList<>();
        Instant graceLimit = now.minus(policy.leftoverGrace());
        for (StoredObject o : scan.objects()) {
            Matcher m = ARTIFACT.matcher(o.name());
            if (m.matches()
                    && !protectedIds.contains(m.group(1))
                    && !o.name().endsWith(ObjectNames.MANIFEST_SUFFIX)
                    && o.modified().isBefore(graceLimit)) {
                leftovers.add(o.name());
            }
        }
        try {
            leftovers.addAll(pruneKeptAside(now, dryRun));
        } catch (io.backupkit.backup.BackupException e) {
            Events.warn(settings.listener(), "could not drop what a restore kept aside: " + e.getMessage());
        }
        try {
            leftovers.addAll(storage.sweep(policy.leftoverGrace(), now, dryRun));
        } catch (IOException e) {
            LOG.warn("sweeping incomplete uploads in {} failed: {}", storage.describe(), e.getMessage());
        }
        if (!dryRun) {
            settings.listener().phaseStarted(Phase.PRUNE, -1);
            for (BackupInfo b : plan.delete()) {
                deleteSet(b);
                LOG.info("pruned backup {}", b.id());
            }
            for (String name : leftovers) {
                if (ARTIFACT.matcher(name).matches()) {
                    deleteObject(name);
                }
            }
        }
        if (settings.format() == BackupFormat.DEDUP
                && scan.unreadableManifests().isEmpty()) {
            leftovers.addAll(DedupParts.collectGarbage(settings, plan.keep(), graceLimit, dryRun));
        } else if (settings.format() == BackupFormat.DEDUP) {
            String msg = "prune leaves the dedup chunks alone: a manifest cannot be read, so the chunks its backup"
                    + " uses are not known (" + scan.unreadableManifests().get(0) + ")";
            Events.warn(settings.listener(), msg);
        }
        if (!dryRun) {
            settings.listener().phaseFinished(Phase.PRUNE);
        }
        return new PruneResult(plan.keep(), plan.delete(), leftovers, dryRun);
    }

    @Override
    public BackupSettings settings() {
        return given;
    }

    /** The providers this manager runs with. */
    EngineSettings engineSettings() {
        return settings;
    }

    @Override
    public BackupScheduler scheduler(Schedule schedule) {
        return new DefaultBackupScheduler(this, ScheduleSettings.of(schedule));
    }

    @Override
    public CheckResult check() {
        try {
            return new ConfigurationCheck(settings, given.settingNames()).run();
        } catch (BackupConfigurationException e) {
            throw e.describedBy(given.settingNames());
        }
    }

    @Override
    public void close() {
        if (!running.closeAndAwait(CLOSE_WAIT)) {
            LOG.warn("closing: an operation did not stop within {} after it was cancelled", CLOSE_WAIT);
        }
        storage.close();
    }
}
