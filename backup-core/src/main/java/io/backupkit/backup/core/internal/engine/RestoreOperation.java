package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.Setting;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.core.internal.archive.ExtractLimits;
import io.backupkit.backup.core.internal.archive.FileTrees;
import io.backupkit.backup.core.internal.archive.MediaArchiver;
import io.backupkit.backup.core.internal.archive.MediaExtractor;
import io.backupkit.backup.core.internal.archive.Pools;
import io.backupkit.backup.core.internal.archive.UnheldEntries;
import io.backupkit.backup.core.internal.pipeline.HashingInputStream;
import io.backupkit.backup.spi.BackupStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup, all or nothing:
 *
 * <ol>
 *   <li>resolve the backup from its manifest and refuse what cannot be restored here (newer host
 *       version unless forced, missing or short artifacts, a dump the dumper cannot read, no key for
 *       an encrypted backup);
 *   <li>verify before changing anything: the media archive is extracted into a fresh staging folder
 *       beside the media folder in the background while its SHA-256 is computed (the staging folder
 *       is the media's spool: extracting there changes nothing and spares a second copy); the dump
 *       is checked against its SHA-256 and size (in place when the storage is local, else while it
 *       is downloaded to the spool folder);
 *   <li>take a {@code pre-restore} safety backup of the current state (unless turned off);
 *   <li>restore the database up to its commit gate (without a safety backup, while the media archive
 *       is still being extracted); at the gate the media folder is swapped in, then the database
 *       commits (the protocol, and how a killed process is recovered, is described at {@code
 *       commitGate});
 *   <li>on any failure or cancellation before the commit, roll the database back and rename the old
 *       media folder back; the cause reported is the first real one (a corrupt media archive, not the
 *       dumper's rollback that followed it).
 * </ol>
 */
final class RestoreOperation {
    // Long on purpose: the steps share one record of what was done (Steps) and one failure path.

    private static final Logger LOG = LoggerFactory.getLogger(RestoreOperation.class);

    private final EngineSettings settings;
    private final BackupStorage storage;
    private final BackupListener listener;

    RestoreOperation(EngineSettings settings) {
        this.settings = settings;
        this.storage = settings.storage();
        this.listener = Events.safe(settings.listener());
    }

    RestoreResult run(BackupInfo backup, RestoreOptions options) {
        long t0 = System.nanoTime();
        Plan plan = plan(backup, options);
        Path work = createWorkDir(backup);
        RestoreJournal journal = beginJournal(plan, work);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backup-restore-media");
            t.setDaemon(true);
            return t;
        });
        Steps steps = new Steps(journal, backup);
        try {
            // 2. verify before changing anything: the media archive is extracted into a staging folder
            // (which changes nothing) in the background while the dump is checked here
            listener.phaseStarted(Phase.DOWNLOAD_VERIFY, backup.size());
            startMediaExtraction(plan, steps, pool);
            SpoolDumpSource.Dump dump = dump(plan, work);
            if (!plan.gated()) {
                join(steps.media);
            }
            listener.phaseFinished(Phase.DOWNLOAD_VERIFY);

            // 3. safety backup of the current state
            Optional<BackupInfo> safetyTaken = safetyBackup(plan);

            // 4. + 5. the database restores up to its commit gate; there the media folder is swapped
            // in, and only then does the database commit (see commitGate)
            if (dump != null) {
                restoreDatabase(plan, dump, work, steps);
            }
            if (!steps.gatePassed) {
                // media only, or a dumper without a gate that has committed already: swap now
                steps.lateSwap = dump != null;
                commitGate(steps, dump == null);
            }
            journal.state(RestoreJournal.State.COMMITTED);
            steps.ended = true;
            keepOrDrop(journal, plan.keepAside(), steps.databaseAside, steps.swap, plan.previous());
            return new RestoreResult(
                    backup,
                    safetyTaken,
                    dump != null,
                    plan.media().isPresent(),
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (RuntimeException failure) {
            throw undo(rootCause(failure, steps), steps, backup);
        } finally {
            stop(pool);
            deleteQuietly(steps.staging);
            deleteQuietly(work);
            if (steps.ended) {
                journal.delete();
            }
        }
    }

    /**
     * What this restore does, decided before anything changes. {@code gated}: the dumper restores up
     * to a commit gate while the media is still being verified (no safety backup waits for it).
     */
    private record Plan(
            BackupInfo backup,
            RestoreOptions options,
            Optional<ArtifactInfo> database,
            Optional<ArtifactInfo> media,
            DedupParts.Restore dedup,
            RestoreOptions.Safety safety,
            boolean gated,
            Optional<KeptAsideRecord> previous) {
        boolean keepAside() {
            return safety == RestoreOptions.Safety.KEEP_ASIDE;
        }
    }

    /** 1. Resolves what to restore and refuses what cannot be restored here. */
    private Plan plan(BackupInfo backup, RestoreOptions options) {
        Optional<ArtifactInfo> database =
                options.database() ? backup.artifact(ArtifactInfo.DATABASE) : Optional.empty();
        Optional<ArtifactInfo> media = options.media() ? backup.artifact(ArtifactInfo.MEDIA) : Optional.empty();
        new RestoreCheck(settings, listener).require(backup, options, database, media);
        DedupParts.Restore dedup = DedupParts.isDedup(backup) ? DedupParts.restore(settings, backup) : null;
        RestoreOptions.Safety safety = effectiveSafety(options.safety(), database.isPresent());
        // a safety backup comes after everything is verified (a corrupt backup leaves no
        // pre-restore backup behind); without one, a gating dumper starts at once
        boolean gated =
                database.isPresent() && settings.dumper().gatesCommit() && safety != RestoreOptions.Safety.BACKUP;
        return new Plan(backup, options, database, media, dedup, safety, gated, KeptAsideRecord.find(settings));
    }

    /** The journal of this restore, naming before anything changes what a process killed later must finish. */
    private RestoreJournal beginJournal(Plan plan, Path work) {
        try {
            RestoreJournal journal = RestoreJournal.begin(
                    settings, plan.backup().id().value(), work, plan.database().isPresent());
            if (plan.keepAside()) {
                journal.put("keepAside", true);
            }
            // named before anything changes: a process killed after the commit still drops them
            Optional<KeptAsideRecord> previous = plan.previous();
            if (previous.isPresent() && previous.get().database() != null) {
                journal.put("previousDatabase", previous.get().database());
            }
            if (previous.isPresent() && previous.get().media() != null) {
                journal.put("previousMedia", previous.get().media());
            }
            return journal;
        } catch (RuntimeException e) {
            deleteQuietly(work);
            throw e;
        }
    }

    /** Extracts the media archive into a staging folder in the background, checking it on the way. */
    private void startMediaExtraction(Plan plan, Steps steps, ExecutorService pool) {
        if (plan.media().isEmpty()) {
            return;
        }
        BackupInfo backup = plan.backup();
        ArtifactInfo artifact = plan.media().get();
        Path target = stagingFolder(backup);
        steps.staging = target;
        steps.journal.put("staging", target);
        DedupParts.Restore dedup = plan.dedup();
        steps.media = CompletableFuture.runAsync(
                () -> {
                    if (dedup != null) {
                        dedup.extractMedia(artifact, target, limits(backup.media()), listener);
                    } else {
                        extractVerified(backup, artifact, target);
                    }
                },
                pool);
    }

    /**
     * The dump to restore from, or null without a database part. A gated restore from a local
     * storage reads the storage's own file and checks it at the commit gate from that same read,
     * instead of in a pass of its own; otherwise the dump is checked (and spooled) now.
     */
    private SpoolDumpSource.Dump dump(Plan plan, Path work) {
        if (plan.database().isEmpty()) {
            return null;
        }
        ArtifactInfo artifact = plan.database().get();
        DedupParts.Restore dedup = plan.dedup();
        if (dedup != null) {
            return new SpoolDumpSource.Dump(dedup.dump(artifact, work, plan.gated()), plan.gated());
        }
        Optional<Path> local = ArtifactReader.localFile(storage, artifact);
        boolean atGate = plan.gated() && local.isPresent();
        Path file = atGate ? local.get() : verifiedDump(artifact, local, work);
        return new SpoolDumpSource.Dump(new FileDump(settings, plan.backup(), artifact, file, atGate), atGate);
    }

    /** 3. The {@code pre-restore} safety backup of the current state, if asked for. */
    private Optional<BackupInfo> safetyBackup(Plan plan) {
        if (plan.safety() != RestoreOptions.Safety.BACKUP) {
            return Optional.empty();
        }
        listener.phaseStarted(Phase.SAFETY_BACKUP, -1);
        BackupInfo taken = new CreateOperation(settings)
                .run(
                        CreateOptions.labelled(CreateOptions.PRE_RESTORE)
                                .withAttribute("restoring", plan.backup().id().value()),
                        true)
                .backup();
        listener.phaseFinished(Phase.SAFETY_BACKUP);
        return Optional.of(taken);
    }

    /** 4. The dumper restores the dump; a gating dumper calls {@link #commitGate} before it commits. */
    private void restoreDatabase(Plan plan, SpoolDumpSource.Dump dump, Path work, Steps steps) {
        listener.phaseStarted(Phase.DATABASE_RESTORE, -1);
        RestoreJournal journal = steps.journal;
        Runnable gate = settings.dumper().gatesCommit() ? () -> commitGate(steps, true) : () -> {};
        steps.source = new SpoolDumpSource(
                new SpoolDumpSource.Restoring(settings, plan.backup(), plan.options(), work),
                dump,
                gate,
                journal::token);
        if (plan.keepAside()) {
            steps.source.keepAside(asideId(), token -> {
                steps.databaseAside = token;
                journal.put("aside", token);
            });
        }
        settings.dumper().restore(steps.source);
        steps.databaseCommitted = true;
        listener.phaseFinished(Phase.DATABASE_RESTORE);
    }

    /*
     * The commit protocol. Nothing visible changes before the commit gate: the media archive is
     * extracted into a staging folder, and the database restore runs in one uncommitted transaction
     * (PostgreSQL) or is undone from a rollback snapshot (MariaDB, H2; other sessions may see it
     * half loaded, as the README says). At the gate the engine waits for the media verification,
     * checks that it was not cancelled, writes the journal (state COMMITTING, the folders of the
     * swap, the dumper's recovery token), swaps the media folder by renames and checks again; then
     * the dumper commits. A failure or a cancellation up to that point rolls the database back and
     * renames the media folders back (the journal is set to PREPARING first). After the database
     * committed the journal says COMMITTED, the old media folder is deleted and the journal goes.
     * A process killed in between leaves the journal: the next create or restore of the target
     * (under the target lock) asks the dumper whether its commit happened and finishes or undoes
     * the media swap to match (RestoreRecovery).
     */
    private void commitGate(Steps steps, boolean mayCancel) {
        steps.gateReached = true;
        join(steps.media);
        if (mayCancel && Thread.currentThread().isInterrupted()) {
            throw new BackupCancelledException("the restore was cancelled before it committed", null);
        }
        RestoreJournal journal = steps.journal;
        if (steps.staging == null) {
            journal.state(RestoreJournal.State.COMMITTING);
            steps.gatePassed = true;
            return;
        }
        listener.phaseStarted(Phase.MEDIA_RESTORE, -1);
        MediaSwap swap = MediaSwap.plan(settings.mediaDir(), steps.staging, kept(steps.staging, steps.backup));
        journal.committing(swap.media, swap.old, swap.hadOld);
        try {
            steps.swap = swap;
            swap.apply();
            steps.staging = null;
            listener.phaseFinished(Phase.MEDIA_RESTORE);
            if (mayCancel && Thread.currentThread().isInterrupted()) {
                throw new BackupCancelledException("the restore was cancelled before the database committed", null);
            }
        } catch (RuntimeException e) {
            journal.state(RestoreJournal.State.PREPARING); // before the dumper rolls back
            throw e;
        }
        steps.gatePassed = true;
    }

    /**
     * Once the restore committed: with keep-aside the replaced state is recorded for a rollback;
     * otherwise the old media folder goes. Either way what an earlier restore kept aside goes (the
     * journal names it first, so a process killed meanwhile leaves nothing unnamed).
     */
    private void keepOrDrop(
            RestoreJournal journal,
            boolean keepAside,
            String databaseAside,
            MediaSwap swap,
            Optional<KeptAsideRecord> previous) {
        Path oldMedia = swap != null && swap.hadOld ? swap.old : null;
        if (keepAside && (databaseAside != null || oldMedia != null)) {
            journal.put("since", settings.clock().instant());
            Instant swapped = Instant.now(); // the file system's clock, not the configured one
            new KeptAsideRecord(
                            journal.backupId(),
                            settings.clock().instant(),
                            databaseAside,
                            oldMedia,
                            databaseAside == null ? null : writeMark(),
                            oldMedia == null ? null : swapped)
                    .write(settings);
        } else {
            if (swap != null) {
                swap.commit();
            }
            if (previous.isPresent()) {
                KeptAsideRecord.delete(settings);
            }
        }
        previous.ifPresent(p -> dropQuietly(p));
    }

    /** The dumper's mark of the restored database; none when it cannot take one (a rollback then asks to force). */
    private String writeMark() {
        try {
            return settings.dumper().writeMark().orElse(null);
        } catch (RuntimeException e) {
            LOG.debug("no mark of the restored database: {}", e.getMessage());
            return null;
        }
    }

    private void dropQuietly(KeptAsideRecord kept) {
        try {
            kept.drop(settings);
        } catch (RuntimeException e) {
            String msg = "could not delete the state an earlier restore kept aside (" + e.getMessage() + ")";
            listener.warning(msg);
        }
    }

    /** KEEP_ASIDE where the dumper can; else a safety backup, saying why. */
    private RestoreOptions.Safety effectiveSafety(RestoreOptions.Safety asked, boolean withDatabase) {
        if (asked != RestoreOptions.Safety.KEEP_ASIDE || !withDatabase) {
            return asked;
        }
        Optional<String> why = settings.dumper().whyNotKeepAside();
        if (why.isEmpty()) {
            return asked;
        }
        String msg = "the replaced database cannot be kept aside (" + why.get()
                + "): a pre-restore safety backup is taken instead";
        listener.warning(msg);
        return RestoreOptions.Safety.BACKUP;
    }

    /**
     * A name part for what this restore keeps aside: its time in UTC, to the second, and a random part
     * (two restores in one second each keep their own).
     */
    private String asideId() {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(settings.clock().instant())
                + "_" + UUID.randomUUID().toString().substring(0, 4);
    }

    private static void endJournal(Steps steps, RuntimeException e) {
        try {
            steps.journal.state(RestoreJournal.State.ENDED);
            steps.ended = true;
        } catch (RuntimeException journal) {
            e.addSuppressed(journal);
        }
    }

    /** After a failure: the media swap is undone, the journal goes; returns what to throw. */
    private RuntimeException undo(RuntimeException e, Steps steps, BackupInfo backup) {
        if (steps.lateSwap) {
            endJournal(steps, e);
            return new UnableToRestoreMediaException(
                    "the database was restored from backup " + backup.id() + " but the media folder could not be ("
                            + e.getMessage() + "); it is as it was: restore the media part again",
                    e);
        }
        MediaSwap swap = steps.swap;
        if (swap != null) {
            try {
                steps.journal.state(RestoreJournal.State.PREPARING); // the database rolled back (or will)
                swap.undo();
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
                LOG.error(
                        "could not put the media folder back; the previous content is in {}", swap.oldLocation(), undo);
                return new UnableToRestoreMediaException(
                        "the restore failed (" + e.getMessage() + ") and the media folder "
                                + "could not be put back: the previous content is in " + swap.oldLocation()
                                + "; the next backup or restore tries again (journal " + steps.journal.file() + ")",
                        e);
            }
        }
        String pending = steps.source == null ? null : steps.source.pendingRollback();
        if (pending != null) {
            // the dumper could not roll back (the process may be going down): the journal stays
            return new UnableToRestoreDatabaseException(
                    e.getMessage() + (swap == null ? "" : "; the media folder was put back as it was")
                            + ". The next backup or restore of this database, or the next start of the"
                            + " application, puts the database back from " + pending,
                    e);
        }
        endJournal(steps, e);
        if (e instanceof BackupCancelledException || Thread.currentThread().isInterrupted()) {
            return new BackupCancelledException(
                    "the restore of backup " + backup.id() + " was cancelled: the database and the media folder"
                            + " were both left as they were before it",
                    e);
        }
        if (swap != null && e instanceof UnableToRestoreDatabaseException) {
            return new UnableToRestoreDatabaseException(
                    e.getMessage() + "; the media folder was put back as it was", e);
        }
        return e;
    }

    /** The dump, verified: the local storage's own file, or a spooled copy. */
    private Path verifiedDump(ArtifactInfo artifact, Optional<Path> local, Path work) {
        try {
            if (local.isEmpty()) {
                requireSpace(work, artifact.size(), "the spool folder");
            }
            Path spooled = work.resolve("spool-" + artifact.name());
            try (InputStream raw = ArtifactReader.openRaw(storage, artifact);
                    HashingInputStream hashed = new HashingInputStream(raw)) {
                if (local.isPresent()) {
                    hashed.drain();
                } else {
                    Files.copy(hashed, spooled);
                }
                ArtifactReader.check(artifact, hashed);
            }
            listener.progress(Phase.DOWNLOAD_VERIFY, artifact.size());
            return local.orElse(spooled);
        } catch (IOException e) {
            throw ArtifactReader.unreadable(storage, artifact, e);
        }
    }

    /** Extracts the media archive into {@code staging} while checking its digest; changes nothing else. */
    private void extractVerified(BackupInfo backup, ArtifactInfo artifact, Path staging) {
        try (InputStream raw = ArtifactReader.openRaw(storage, artifact);
                HashingInputStream hashed = new HashingInputStream(raw)) {
            try (InputStream decoded =
                    ArtifactReader.decode(settings, backup, artifact, CloseShieldInputStream.wrap(hashed))) {
                new MediaExtractor(limits(backup.media()), listener).extract(decoded, staging, artifact.name());
                if (backup.media() != null) {
                    backup.media()
                            .changed()
                            .forEach(f -> listener.warning("Media file " + f
                                    + " changed while backup " + backup.id() + " was made; it is restored as archived,"
                                    + " which may be torn"));
                }
                decoded.transferTo(OutputStream.nullOutputStream()); // to the end: compression and encryption trailers
            }
            hashed.drain();
            ArtifactReader.check(artifact, hashed);
        } catch (CorruptBackupException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptBackupException(
                    artifact.name(),
                    "reading the media archive " + artifact.name() + " failed: " + e.getMessage()
                            + "; nothing was changed",
                    e);
        }
    }

    /** Extraction limits from the manifest: an archive may not hold more than its manifest says. */
    private static ExtractLimits limits(MediaInfo m) {
        if (m == null) {
            return ExtractLimits.defaults();
        }
        ExtractLimits d = ExtractLimits.defaults();
        return new ExtractLimits(
                m.fileCount() * MediaArchiver.READ_ATTEMPTS + m.directoryCount() + 16, // files read again
                m.totalBytes(),
                m.totalBytes(),
                d.maxPathLength(),
                d.maxDepth());
    }

    private Path stagingFolder(BackupInfo backup) {
        Path media = settings.mediaDir().toAbsolutePath().normalize();
        Path parent = media.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UnableToRestoreMediaException("cannot create " + parent + ": " + e.getMessage(), e);
        }
        requireSpace(
                parent, backup.media() == null ? 0 : backup.media().totalBytes(), "the media folder's file system");
        return parent.resolve("." + media.getFileName() + ".restore-"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Folders inside the media folder that are not part of it (the local backup folder, the spool). */
    static java.util.List<Path> preservedInside(EngineSettings settings) {
        Path mediaDir = settings.mediaDir();
        Path media = mediaDir.toAbsolutePath().normalize();
        return CreateOperation.foldersInside(settings, mediaDir).stream()
                .filter(p -> !p.equals(media))
                .map(media::relativize)
                .toList();
    }

    /**
     * What the swap carries over from the live media folder: the folders inside it that are not part of it,
     * and what the archive cannot hold (a restore never deletes what it cannot put back).
     */
    private java.util.List<Path> kept(Path staging, BackupInfo backup) {
        java.util.List<Path> preserved = preservedInside(settings);
        java.util.List<Path> kept = new java.util.ArrayList<>(preserved);
        try {
            for (Path rel : UnheldEntries.find(settings.mediaDir(), staging, MediaNames.holdsRawNames(backup))) {
                if (preserved.stream().noneMatch(rel::startsWith)) {
                    kept.add(rel);
                    listener.warning("Left in place in the media folder (a backup cannot hold it): " + rel);
                }
            }
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "cannot look through the media folder " + settings.mediaDir() + " for what a backup cannot hold: "
                            + e.getMessage() + "; nothing was changed",
                    e);
        }
        return kept;
    }

    private Path createWorkDir(BackupInfo backup) {
        try {
            Files.createDirectories(settings.spoolDir());
            return Files.createTempDirectory(
                    settings.spoolDir(), "backup-restore-" + backup.id().value() + "-");
        } catch (IOException e) {
            throw new BackupConfigurationException(
                    Setting.SPOOL_DIR,
                    "cannot create a work folder in the spool folder " + settings.spoolDir() + ": " + e.getMessage()
                            + "; make the spool folder a writable folder",
                    e);
        }
    }

    private static void requireSpace(Path dir, long bytes, String what) {
        SpaceCheck.require(dir, bytes, what);
    }

    /** Waits for the media extraction; its failure is thrown as is. An interrupt cancels the restore. */
    private static void join(CompletableFuture<Void> media) {
        try {
            media.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException("the restore was cancelled; nothing was changed", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BackupException b) {
                throw b;
            }
            if (cause instanceof UncheckedIOException u) {
                throw new UnableToRestoreMediaException(u.getMessage(), u);
            }
            throw new UnableToRestoreMediaException(
                    "verifying the media archive failed: " + cause + "; nothing was changed", cause);
        } catch (java.util.concurrent.CancellationException e) {
            throw new BackupCancelledException("the restore was cancelled; nothing was changed", e);
        }
    }

    /**
     * What to report: when the media archive failed its verification, that is the cause (a dumper
     * refused at its commit gate wraps it, or fails for its own reasons meanwhile).
     */
    private static RuntimeException rootCause(RuntimeException failure, Steps steps) {
        CorruptBackupException corruptDump = findCorrupt(failure);
        if (corruptDump == null && !steps.gateReached && steps.source != null && steps.source.verifiesAtGate()) {
            try {
                steps.source.verify(); // did the dumper fail because the dump is damaged?
            } catch (CorruptBackupException damaged) {
                corruptDump = damaged;
            }
        }
        if (steps.gateReached || corruptDump == null) {
            return rootCause(failure, steps.media);
        }
        // the dump failed its check at the commit gate: the dumper rolled back; say why
        if (corruptDump != failure) {
            corruptDump.addSuppressed(failure);
        }
        return corruptDump;
    }

    private static CorruptBackupException findCorrupt(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CorruptBackupException corrupt) {
                return corrupt;
            }
        }
        return null;
    }

    private static RuntimeException rootCause(RuntimeException failure, CompletableFuture<Void> media) {
        if (media.isCompletedExceptionally()) {
            try {
                join(media);
            } catch (RuntimeException mediaFailure) {
                if (mediaFailure != failure) {
                    mediaFailure.addSuppressed(failure);
                }
                return mediaFailure;
            }
        }
        return failure;
    }

    /** Stops the media extraction if it still runs (cancellation is cooperative) and waits for it. */
    private static void stop(ExecutorService pool) {
        pool.shutdownNow();
        // waited for even when cancelled: the staging folder is deleted only once nothing writes there
        if (!Pools.awaitUninterruptibly(pool, Duration.ofSeconds(60))) {
            LOG.error("the media extraction did not stop within 60 s");
        }
    }

    /** What a restore has done so far, for the failure path. */
    private static final class Steps {
        final RestoreJournal journal;
        volatile Path staging;
        volatile MediaSwap swap;
        /** Set once the commit gate let the dump's own check pass (then the media is awaited). */
        volatile boolean gateReached;
        /** Set once the media folder is in place and the database may commit. */
        volatile boolean gatePassed;
        /** Set once the dumper returned: the database holds the backup. */
        volatile boolean databaseCommitted;
        /** Set when a dumper without a commit gate committed and the media swap follows. */
        volatile boolean lateSwap;
        /** Set once nothing is left to finish or undo (only leftovers to delete). */
        volatile boolean ended;

        /** The media extraction into {@link #staging}; done at once when there is no media part. */
        volatile CompletableFuture<Void> media = CompletableFuture.completedFuture(null);

        volatile SpoolDumpSource source;
        /** The dumper's token for the replaced database it kept aside. */
        volatile String databaseAside;

        /** The backup being restored. */
        final BackupInfo backup;

        Steps(RestoreJournal journal, BackupInfo backup) {
            this.journal = journal;
            this.backup = backup;
        }
    }

    /** Threads that unlink the old media folder after the commit, in the restore's critical path. */
    private static final int DELETE_THREADS = 4;

    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        boolean interrupted = Thread.interrupted(); // a cancelled restore still cleans up after itself
        try {
            FileTrees.delete(dir, DELETE_THREADS);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
