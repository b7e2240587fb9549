package io.backupkit.backup.core.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.IncompleteBackupException;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.Setting;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.archive.ExtractLimits;
import io.backupkit.backup.core.archive.FileTrees;
import io.backupkit.backup.core.archive.MediaArchiver;
import io.backupkit.backup.core.archive.MediaExtractor;
import io.backupkit.backup.core.archive.UnheldEntries;
import io.backupkit.backup.core.pipeline.HashingInputStream;
import io.backupkit.backup.spi.BackupStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup, all or nothing (DESIGN.md section 6):
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
        Optional<ArtifactInfo> dbArtifact =
                options.database() ? backup.artifact(ArtifactInfo.DATABASE) : Optional.empty();
        Optional<ArtifactInfo> mediaArtifact = options.media() ? backup.artifact(ArtifactInfo.MEDIA) : Optional.empty();
        checkRestorable(backup, options, dbArtifact, mediaArtifact);
        DedupParts.Restore dedup = DedupParts.isDedup(backup) ? DedupParts.restore(settings, backup) : null;
        RestoreOptions.Safety safety = effectiveSafety(options.safety(), dbArtifact.isPresent());
        boolean keepAside = safety == RestoreOptions.Safety.KEEP_ASIDE;
        Optional<KeptAsideRecord> previous = KeptAsideRecord.find(settings);

        Path work = createWorkDir(backup);
        RestoreJournal journal;
        try {
            journal = RestoreJournal.begin(settings, backup.id().value(), work, dbArtifact.isPresent());
            if (keepAside) {
                journal.put("keepAside", true);
            }
            // named before anything changes: a process killed after the commit still drops them
            if (previous.isPresent() && previous.get().database() != null) {
                journal.put("previousDatabase", previous.get().database());
            }
            if (previous.isPresent() && previous.get().media() != null) {
                journal.put("previousMedia", previous.get().media());
            }
        } catch (RuntimeException e) {
            deleteQuietly(work);
            throw e;
        }
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backup-restore-media");
            t.setDaemon(true);
            return t;
        });
        Steps steps = new Steps(journal);
        CompletableFuture<Void> media = CompletableFuture.completedFuture(null);
        try {
            // 2. verify before changing anything: the media archive is extracted into a staging folder
            // (which changes nothing) in the background while the dump is checked here
            listener.phaseStarted(Phase.DOWNLOAD_VERIFY, backup.size());
            if (mediaArtifact.isPresent()) {
                steps.staging = stagingFolder(backup);
                journal.put("staging", steps.staging);
                Path target = steps.staging;
                media = CompletableFuture.runAsync(
                        () -> {
                            if (dedup != null) {
                                dedup.extractMedia(mediaArtifact.get(), target, limits(backup.media()), listener);
                            } else {
                                extractVerified(backup, mediaArtifact.get(), target);
                            }
                        },
                        pool);
            }
            // a safety backup comes after everything is verified (a corrupt backup leaves no
            // pre-restore backup behind); without one, a gating dumper starts at once, and a local
            // dump is checked at its commit gate from the same read instead of in a pass of its own
            boolean gated =
                    dbArtifact.isPresent() && settings.dumper().gatesCommit() && safety != RestoreOptions.Safety.BACKUP;
            Optional<Path> local =
                    dedup != null ? Optional.empty() : dbArtifact.flatMap(a -> ArtifactReader.localFile(storage, a));
            boolean verifyAtGate = gated && (dedup != null || local.isPresent());
            DumpBytes dump = dbArtifact
                    .map(a -> dedup != null
                            ? dedup.dump(a, work, verifyAtGate)
                            : new FileDump(
                                    settings,
                                    backup,
                                    a,
                                    verifyAtGate ? local.get() : verifiedDump(a, local, work),
                                    verifyAtGate))
                    .orElse(null);
            if (!gated) {
                join(media);
            }
            listener.phaseFinished(Phase.DOWNLOAD_VERIFY);

            // 3. safety backup of the current state
            Optional<BackupInfo> safetyTaken = Optional.empty();
            if (safety == RestoreOptions.Safety.BACKUP) {
                listener.phaseStarted(Phase.SAFETY_BACKUP, -1);
                safetyTaken = Optional.of(new CreateOperation(settings)
                        .run(
                                CreateOptions.labelled(CreateOptions.PRE_RESTORE)
                                        .withAttribute("restoring", backup.id().value()),
                                true)
                        .backup());
                listener.phaseFinished(Phase.SAFETY_BACKUP);
            }

            // 4. + 5. the database restores up to its commit gate; there the media folder is swapped
            // in, and only then does the database commit (see commitGate)
            CompletableFuture<Void> mediaDone = media;
            boolean dumperGates = dump != null && settings.dumper().gatesCommit();
            if (dump != null) {
                listener.phaseStarted(Phase.DATABASE_RESTORE, -1);
                steps.source = new SpoolDumpSource(
                        settings,
                        dump,
                        work,
                        backup,
                        dumperGates ? () -> commitGate(mediaDone, steps, true) : () -> {},
                        verifyAtGate,
                        journal::token,
                        options);
                if (keepAside) {
                    steps.source.keepAside(asideId(), token -> {
                        steps.databaseAside = token;
                        journal.put("aside", token);
                    });
                }
                settings.dumper().restore(steps.source);
                steps.databaseCommitted = true;
                listener.phaseFinished(Phase.DATABASE_RESTORE);
            }
            if (!steps.gatePassed) {
                // media only, or a dumper without a gate that has committed already: swap now
                steps.lateSwap = dump != null;
                commitGate(mediaDone, steps, dump == null);
            }
            journal.state(RestoreJournal.State.COMMITTED);
            steps.ended = true;
            keepOrDrop(journal, keepAside, steps.databaseAside, steps.swap, previous);
            return new RestoreResult(
                    backup,
                    safetyTaken,
                    dump != null,
                    mediaArtifact.isPresent(),
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (RuntimeException failure) {
            throw undo(rootCause(failure, media, steps), steps, backup);
        } finally {
            stop(pool);
            deleteQuietly(steps.staging);
            deleteQuietly(work);
            if (steps.ended) {
                journal.delete();
            }
        }
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
    private void commitGate(CompletableFuture<Void> media, Steps steps, boolean mayCancel) {
        steps.gateReached = true;
        join(media);
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
        MediaSwap swap = MediaSwap.plan(settings.mediaDir(), steps.staging, kept(steps.staging));
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
            new KeptAsideRecord(journal.backupId(), settings.clock().instant(), databaseAside, oldMedia)
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

    private void dropQuietly(KeptAsideRecord kept) {
        try {
            kept.drop(settings);
        } catch (RuntimeException e) {
            String msg = "could not delete the state an earlier restore kept aside (" + e.getMessage() + ")";
            LOG.warn(msg);
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
        LOG.warn(msg);
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

    private void checkRestorable(
            BackupInfo backup, RestoreOptions options, Optional<ArtifactInfo> db, Optional<ArtifactInfo> media) {
        if (!options.force()
                && Versions.isNewer(backup.host().version(), settings.host().version())) {
            throw new IncompatibleBackupException("backup " + backup.id() + " was made by " + name(backup) + " "
                    + backup.host().version()
                    + ", newer than the running " + settings.host().version()
                    + ": its database schema may not fit this version. "
                    + "Upgrade first, or force the restore");
        }
        warnIfVersionUnchecked(backup, options);
        if (db.isEmpty() && media.isEmpty()) {
            throw new BackupConfigurationException("nothing to restore: backup " + backup.id() + " has no "
                    + (options.database() && options.media()
                            ? "parts"
                            : options.database() ? "database part" : "media part"));
        }
        if (db.isPresent()) {
            if (settings.dumper() == null) {
                throw new BackupConfigurationException(
                        Setting.DATABASE_URL,
                        "backup " + backup.id()
                                + " holds a database dump but no database is configured: configure the database (or restore media only)");
            }
            settings.dumper().checkRestorable(backup.database());
        }
        if (media.isPresent() && settings.mediaDir() == null) {
            throw new BackupConfigurationException(
                    Setting.MEDIA_DIR,
                    "backup " + backup.id()
                            + " holds a media archive but no media folder is configured: configure the media folder (or restore the database only)");
        }
        for (ArtifactInfo a : backup.artifacts()) {
            if (db.filter(a::equals).isEmpty() && media.filter(a::equals).isEmpty()) {
                continue;
            }
            ArtifactReader.presence(storage, a).ifPresent(problem -> {
                throw problem.missing()
                        ? new IncompleteBackupException(
                                a.name(),
                                "backup " + backup.id() + " is incomplete: " + problem.text() + "; nothing was changed")
                        : new CorruptBackupException(
                                a.name(),
                                String.valueOf(a.size()),
                                null,
                                "backup " + backup.id() + " is corrupt: " + problem.text() + "; nothing was changed");
            });
            if (a.encrypted()) {
                ArtifactReader.requireDecryption(settings, a);
                ArtifactReader.authenticate(settings, backup, a); // an edited manifest is refused here (T9)
            }
        }
    }

    /** A backup whose host version cannot be compared with the running one restores, but not silently. */
    private void warnIfVersionUnchecked(BackupInfo backup, RestoreOptions options) {
        String made = backup.host().version();
        String running = settings.host().version();
        if (options.force()
                || made == null
                || made.isBlank()
                || Versions.compare(made, running).isPresent()) {
            return;
        }
        String warning = running == null || running.isBlank()
                ? "backup " + backup.id() + " was made by " + name(backup) + " " + made
                        + ", but the running application's version is not configured ("
                        + settings.settingNames().howToSet(Setting.HOST_VERSION)
                        + "), so nothing checks that the backup is not newer than it"
                : "backup " + backup.id() + " was made by " + name(backup) + " " + made
                        + ", which cannot be compared with the running version " + running
                        + "; restoring it without that check";
        LOG.warn(warning);
        listener.warning(warning);
    }

    private static String name(BackupInfo b) {
        return b.host().application() == null
                ? "the host application"
                : b.host().application();
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
            throw new UnableToStoreException(
                    storage.describe(),
                    artifact.name(),
                    "cannot read " + artifact.name() + " from " + storage.describe() + ": " + e.getMessage()
                            + "; nothing was changed",
                    e);
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
    private java.util.List<Path> kept(Path staging) {
        java.util.List<Path> preserved = preservedInside(settings);
        java.util.List<Path> kept = new java.util.ArrayList<>(preserved);
        try {
            for (Path rel : UnheldEntries.find(settings.mediaDir(), staging)) {
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
    private static RuntimeException rootCause(RuntimeException failure, CompletableFuture<Void> media, Steps steps) {
        CorruptBackupException corruptDump = findCorrupt(failure);
        if (corruptDump == null && !steps.gateReached && steps.source != null && steps.source.verifiesAtGate()) {
            try {
                steps.source.verify(); // did the dumper fail because the dump is damaged?
            } catch (CorruptBackupException damaged) {
                corruptDump = damaged;
            }
        }
        if (steps.gateReached || corruptDump == null) {
            return rootCause(failure, media);
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
        boolean interrupted = Thread.interrupted();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    if (!pool.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        LOG.error("the media extraction did not stop within 60 s");
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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

        volatile SpoolDumpSource source;
        /** The dumper's token for the replaced database it kept aside. */
        volatile String databaseAside;

        Steps(RestoreJournal journal) {
            this.journal = journal;
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

    /**
     * Replaces the media folder by the staging folder with renames, and can undo that. Each step
     * looks at what is on disk, so a swap a killed process left half done can be finished or undone
     * from the journal's folders.
     */
    static final class MediaSwap {
        final Path media;
        private final Path staging;
        final Path old;
        private final java.util.List<Path> preserved;
        final boolean hadOld;

        private MediaSwap(Path media, Path staging, Path old, java.util.List<Path> preserved, boolean hadOld) {
            this.media = media;
            this.staging = staging;
            this.old = old;
            this.preserved = preserved;
            this.hadOld = hadOld;
        }

        /** The swap of {@code staging} into {@code mediaDir}, not started yet. */
        static MediaSwap plan(Path mediaDir, Path staging, java.util.List<Path> preserved) {
            Path media = mediaDir.toAbsolutePath().normalize();
            Path old = media.resolveSibling("." + media.getFileName() + ".old-"
                    + UUID.randomUUID().toString().substring(0, 8));
            return new MediaSwap(
                    media, staging, old, preserved, Files.exists(media, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }

        /** A swap recorded in a journal, in whatever state it was left. */
        static MediaSwap resume(Path media, Path staging, Path old, boolean hadOld, java.util.List<Path> preserved) {
            return new MediaSwap(media, staging, old, preserved, hadOld);
        }

        static MediaSwap swap(Path mediaDir, Path staging, java.util.List<Path> preserved) {
            MediaSwap s = plan(mediaDir, staging, preserved);
            s.apply();
            return s;
        }

        /** Renames the media folder aside and the staging folder in; undone on failure. */
        void apply() {
            try {
                renames();
            } catch (IOException e) {
                undoQuietly();
                throw new UnableToRestoreMediaException(
                        "swapping the media folder failed: " + e.getMessage() + "; the media folder was left as it was",
                        e);
            }
        }

        /** Completes the renames from wherever they stopped (recovery after the database committed). */
        void finish() {
            try {
                renames();
            } catch (IOException e) {
                throw new UnableToRestoreMediaException(
                        "finishing the media swap of an interrupted restore failed: " + e.getMessage()
                                + "; the restored media is in " + staging + " or " + media + ", the previous in " + old,
                        e);
            }
        }

        private void renames() throws IOException {
            if (!swappedIn()) {
                dropPreservedCopies();
                if (hadOld && !Files.exists(old, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(media, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(staging, media, StandardCopyOption.ATOMIC_MOVE);
            }
            if (hadOld) {
                movePreserved(old, media);
            }
        }

        /** The backup held a copy of a folder kept in place (the backup or spool folder): the live one wins. */
        private void dropPreservedCopies() throws IOException {
            for (Path rel : preserved) {
                Path copy = staging.resolve(rel);
                if (Files.exists(copy, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    LOG.warn("the backup holds {}, the backup or spool folder, too; the live one is kept", rel);
                    FileTrees.delete(copy, 1);
                }
            }
        }

        /** Whether the staging folder was moved in (it is gone from its place). */
        private boolean swappedIn() {
            return staging == null || !Files.exists(staging, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }

        private void movePreserved(Path from, Path to) throws IOException {
            for (Path rel : preserved) {
                Path src = from.resolve(rel);
                Path dst = to.resolve(rel);
                if (Files.exists(src, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && !Files.exists(dst, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Path parent = dst.getParent();
                    // a restored folder keeps its restored time when an entry is carried into it
                    java.nio.file.attribute.FileTime time = Files.isDirectory(parent)
                            ? Files.getLastModifiedTime(parent, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            : null;
                    Files.createDirectories(parent);
                    Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
                    if (time != null) {
                        Files.setLastModifiedTime(parent, time);
                    }
                }
            }
        }

        Path oldLocation() {
            return old;
        }

        /** Success: the old media folder goes. */
        void commit() {
            if (hadOld) {
                deleteQuietly(old);
            }
        }

        /** Failure: the restored folder goes, the old one comes back. */
        void undo() {
            try {
                boolean asideDone = hadOld && Files.exists(old, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (hadOld && !asideDone) {
                    return; // nothing was renamed: the media folder is the old one
                }
                Path failed = media.resolveSibling("." + media.getFileName() + ".failed-"
                        + UUID.randomUUID().toString().substring(0, 8));
                if (swappedIn() && Files.exists(media, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    if (hadOld) {
                        movePreserved(media, old);
                    }
                    Files.move(media, failed, StandardCopyOption.ATOMIC_MOVE);
                }
                if (hadOld) {
                    Files.move(old, media, StandardCopyOption.ATOMIC_MOVE);
                }
                deleteQuietly(failed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void undoQuietly() {
            try {
                undo();
            } catch (RuntimeException e) {
                LOG.error("could not undo the media swap; the previous media folder is in {}", old, e);
            }
        }
    }
}
