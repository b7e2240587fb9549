package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.HostInfo;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import io.backupkit.backup.Setting;
import io.backupkit.backup.UnableToArchiveMediaException;
import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.internal.archive.MediaArchiver;
import io.backupkit.backup.core.internal.dedup.DedupCreate;
import io.backupkit.backup.core.internal.engine.ArtifactWriter.Written;
import io.backupkit.backup.core.internal.manifest.ManifestCodec;
import io.backupkit.backup.core.internal.manifest.ManifestSeal;
import io.backupkit.backup.core.internal.manifest.ObjectNames;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.SealKey;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backup: the dump and the media archive are streamed concurrently into the storage, then the
 * manifest is written. The manifest is the commit point: if anything fails before it is written,
 * the artifacts already stored are deleted (best effort; {@code prune} removes what remains) and no
 * backup is listed.
 */
final class CreateOperation {
    // Long on purpose: the dump, the media archive and the manifest share one lease, one pool and one failure path.

    private static final Logger LOG = LoggerFactory.getLogger(CreateOperation.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger THREADS = new AtomicInteger();

    private static final String CANCELLED = "the backup was cancelled: its database dump and media archive were"
            + " stopped and what they had stored was deleted; nothing was kept";

    /** How long the other parts get to stop by themselves before they are interrupted. */
    static final Duration COOPERATIVE_STOP = Duration.ofSeconds(10);

    private final EngineSettings settings;
    private final BackupListener listener;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    /** Set when {@link #run} returns or throws: background helpers stop. */
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The names of the artifacts stored so far: what a failure deletes. */
    private final List<String> written = new ArrayList<>();

    private final ArtifactWriter writer;

    CreateOperation(EngineSettings settings) {
        this.settings = settings;
        this.listener = Events.safe(settings.listener());
        this.writer = new ArtifactWriter(settings, listener, cancelled::get);
    }

    /**
     * Runs the backup; the caller holds the storage lease.
     *
     * @param skipMissingMedia leave the media part out when the media folder does not exist (for
     *     the safety backup before restoring onto a new machine)
     */
    CreateResult run(CreateOptions options, boolean skipMissingMedia) {
        return run(options, skipMissingMedia, null);
    }

    /**
     * Runs the backup with the dumper's {@link DatabaseDumper#describe()} already started by {@link
     * #describeAhead} ({@code null}: called here).
     */
    CreateResult run(
            CreateOptions options, boolean skipMissingMedia, CompletableFuture<DatabaseDescription> described) {
        long t0 = System.nanoTime();
        Plan plan = plan(options, skipMissingMedia);
        DedupCreate chunks = plan.dedup() ? DedupParts.startCreate(settings, listener, cancelled::get) : null;
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "backup-create-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Parts parts = writeParts(plan, chunks, described, pool);
            if (chunks != null) {
                commitChunks(chunks); // the chunks' index before the manifest that needs it
            }
            BackupInfo info = manifest(plan, options, parts, Duration.ofMillis((System.nanoTime() - t0) / 1_000_000));
            listener.phaseStarted(Phase.MANIFEST, -1);
            if (Thread.currentThread().isInterrupted()) {
                throw new BackupCancelledException(CANCELLED, null); // the last moment to stop
            }
            writeManifest(info);
            listener.phaseFinished(Phase.MANIFEST);
            return new CreateResult(info);
        } catch (RuntimeException e) {
            discard(chunks);
            throw e;
        } finally {
            ended.set(true);
            pool.shutdownNow();
        }
    }

    /**
     * What one backup writes, decided before anything is written. {@code mediaDir} is null when the
     * backup has no media part; {@code emptyMedia} archives a media folder that does not exist yet.
     */
    private record Plan(
            BackupId id,
            Instant started,
            boolean dedup,
            DatabaseDumper dumper,
            Path mediaDir,
            boolean emptyMedia,
            String dbName,
            String mediaName,
            SealKey sealKey) {}

    /** The parts written: the artifacts (the dump first), the media archive's summary, the database's description. */
    private record Parts(List<ArtifactInfo> artifacts, MediaInfo media, DatabaseDescription description) {}

    private Plan plan(CreateOptions options, boolean skipMissingMedia) {
        Instant started = settings.clock().instant();
        BackupId id = newId(started);
        String encExt =
                settings.encryption() == null ? null : settings.encryption().extension();
        DatabaseDumper dumper = settings.dumper();
        Path mediaDir = settings.mediaDir();
        if (dumper == null && mediaDir == null) {
            throw new BackupConfigurationException(
                    Setting.DATABASE_URL, "nothing to back up: configure a database and/or a media folder");
        }
        boolean missingMedia = mediaDir != null && !Files.exists(mediaDir);
        boolean withMedia = mediaDir != null && !(skipMissingMedia && missingMedia);
        // before an upgrade a media folder not created yet (a first start) is an empty one
        boolean emptyMedia = missingMedia && options.labels().contains(CreateOptions.PRE_UPGRADE);
        if (withMedia && !emptyMedia && !Files.isDirectory(mediaDir)) {
            throw new UnableToArchiveMediaException(
                    Setting.MEDIA_DIR, "the media folder " + mediaDir + " does not exist or is not a folder", null);
        }
        boolean dedup = settings.format() == BackupFormat.DEDUP;
        String dbName = dumper == null
                ? null
                : dedup
                        ? DedupParts.dumpListName(id, dumper.format(), settings.compression(), encExt)
                        : ObjectNames.database(id, dumper.format(), settings.compression(), encExt);
        String mediaName = !withMedia
                ? null
                : dedup
                        ? DedupParts.mediaTreeName(id, settings.compression(), encExt)
                        : ObjectNames.media(id, settings.compression(), encExt);
        SealKey sealKey = settings.encryption() == null ? null : SealKey.random();
        return new Plan(
                id, started, dedup, dumper, withMedia ? mediaDir : null, emptyMedia, dbName, mediaName, sealKey);
    }

    /** Streams the media archive and the dump into the storage at the same time and waits for both. */
    private Parts writeParts(
            Plan plan, DedupCreate chunks, CompletableFuture<DatabaseDescription> described, ExecutorService pool) {
        ExecutorCompletionService<Written<?>> parts = new ExecutorCompletionService<>(pool);
        List<Future<Written<?>>> futures = new ArrayList<>();
        if (plan.mediaDir() != null) {
            ArtifactWriter.Target target = new ArtifactWriter.Target(
                    ArtifactInfo.MEDIA, plan.mediaName(), Phase.MEDIA_ARCHIVE, plan.sealKey());
            futures.add(parts.submit(part(target, -1, mediaBody(plan, chunks))));
        }
        // The media archive starts first: the dumper's checks below (connecting to the server,
        // probing the dump tool) then run while it works, not on an otherwise idle core. When a
        // check fails, the archive is stopped and deleted: nothing is committed.
        DatabaseDescription description = null;
        DatabaseDumper dumper = plan.dumper();
        if (dumper != null) {
            try {
                description = described == null ? dumper.describe() : joinDescription(described);
            } catch (RuntimeException e) {
                stop(pool, futures);
                throw e;
            }
            ArtifactWriter.Target target = new ArtifactWriter.Target(
                    ArtifactInfo.DATABASE, plan.dbName(), Phase.DATABASE_DUMP, plan.sealKey());
            futures.add(parts.submit(part(target, description.sizeBytes(), out -> {
                if (chunks != null) {
                    chunks.dump(dumper, out);
                } else {
                    dumper.dump(out, listener::warning);
                }
                return null;
            })));
        }
        List<ArtifactInfo> artifacts = new ArrayList<>();
        MediaInfo media = null;
        for (Written<?> w : awaitAll(pool, parts, futures)) {
            artifacts.add(w.artifact());
            if (w.result() instanceof MediaInfo m) {
                media = m;
            }
        }
        artifacts.sort(Comparator.comparing((ArtifactInfo a) -> !a.kind().equals(ArtifactInfo.DATABASE)));
        return new Parts(artifacts, media, description);
    }

    /** Writes the media folder (as a tar archive, or as chunks and their tree) and returns its summary. */
    private ArtifactWriter.Body<MediaInfo> mediaBody(Plan plan, DedupCreate chunks) {
        Path mediaDir = plan.mediaDir();
        List<Path> excluded = excludedDirs(mediaDir);
        if (!plan.emptyMedia()) {
            MediaSizeEstimate.start(mediaDir, excluded, settings.listener(), () -> ended.get() || cancelled.get());
        }
        if (chunks != null) {
            return out -> plan.emptyMedia()
                    ? DedupCreate.emptyMedia(out)
                    : chunks.media(mediaDir, settings.mediaExcludes(), excluded, out);
        }
        MediaArchiver archiver = new MediaArchiver(mediaDir, settings.mediaExcludes(), excluded, listener);
        return out -> plan.emptyMedia() ? MediaArchiver.writeEmpty(out) : archiver.write(out);
    }

    private BackupInfo manifest(Plan plan, CreateOptions options, Parts parts, Duration took) {
        DatabaseDescription description = parts.description();
        DatabaseInfo database = description == null
                ? null
                : new DatabaseInfo(
                        plan.dumper().id(),
                        description.product(),
                        description.serverVersion(),
                        description.tool(),
                        description.toolVersion(),
                        plan.dumper().format());
        HostInfo host = options.schemaVersion() == null
                ? settings.host()
                : settings.host().withSchemaVersion(options.schemaVersion());
        return ManifestSeal.seal(
                new BackupInfo(
                        ManifestCodec.FORMAT_VERSION,
                        plan.id(),
                        plan.started(),
                        options.labels(),
                        MediaNames.mark(
                                        plan.dedup()
                                                ? options.withAttribute(
                                                        DedupParts.FORMAT_ATTRIBUTE, BackupFormat.DEDUP.id())
                                                : options,
                                        parts.media() != null)
                                .attributes(),
                        host,
                        LibraryVersion.get(),
                        database,
                        parts.media(),
                        parts.artifacts(),
                        took),
                plan.sealKey());
    }

    /** After a failure: what was stored goes. Done with the interrupt flag cleared: storages fail I/O on an interrupted thread. */
    private void discard(DedupCreate chunks) {
        boolean interrupted = Thread.interrupted();
        try {
            deleteQuietly(written);
            if (chunks != null) {
                chunks.abort();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts the dumper's checks ({@link DatabaseDumper#describe()}: for PostgreSQL a connection to
     * the server and a probe of its pg_dump, 0.1 s) on a thread of their own, so that they run while
     * the caller takes the storage lease and the media archive starts: the dump then starts sooner.
     * {@code null} without a dumper. A failure is reported where {@code describe()} would
     * have been called.
     */
    static CompletableFuture<DatabaseDescription> describeAhead(DatabaseDumper dumper) {
        if (dumper == null) {
            return null;
        }
        return CompletableFuture.supplyAsync(dumper::describe, r -> {
            Thread t = new Thread(r, "backup-describe");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Waits for {@link #describeAhead}'s thread to end, whatever its outcome (no-op for {@code null}). */
    static void awaitQuietly(CompletableFuture<DatabaseDescription> described) {
        if (described != null) {
            described.handle((d, e) -> null).join();
        }
    }

    private static DatabaseDescription joinDescription(CompletableFuture<DatabaseDescription> described) {
        try {
            return described.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException(CANCELLED, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new UnableToDumpDatabaseException("checking the database failed: " + cause, cause);
        }
    }

    /**
     * {@code e} as a {@link BackupCancelledException} when the calling thread was interrupted (the
     * failure is then what the cancellation caused, e.g. a dump tool stopped by the same Ctrl-C) or
     * an interruption caused it; otherwise {@code e}.
     */
    static BackupException asCancellation(BackupException e) {
        if (e instanceof BackupCancelledException) {
            return e;
        }
        boolean interrupted = Thread.currentThread().isInterrupted();
        for (Throwable t = e; t != null && !interrupted; t = t.getCause()) {
            interrupted = t instanceof InterruptedException
                    || t instanceof InterruptedIOException
                    || t instanceof java.nio.channels.ClosedByInterruptException;
        }
        return interrupted ? new BackupCancelledException(CANCELLED, e) : e;
    }

    /** One artifact written by {@code body} into the storage, its phase reported, its name noted in {@link #written}. */
    private Callable<Written<?>> part(ArtifactWriter.Target target, long expectedBytes, ArtifactWriter.Body<?> body) {
        return () -> {
            listener.phaseStarted(target.phase(), expectedBytes);
            Written<?> w = writer.write(target, body);
            synchronized (written) {
                written.add(target.name());
            }
            listener.phaseFinished(target.phase());
            return w;
        };
    }

    /**
     * Waits for the parts in completion order; on the first failure cancels the others and waits
     * until they have stopped (so their writes are aborted before the failure is reported).
     */
    private List<Written<?>> awaitAll(
            ExecutorService pool, ExecutorCompletionService<Written<?>> parts, List<Future<Written<?>>> futures) {
        List<Written<?>> out = new ArrayList<>();
        try {
            for (int i = 0; i < futures.size(); i++) {
                out.add(parts.take().get());
            }
        } catch (InterruptedException e) {
            stop(pool, futures);
            Thread.currentThread().interrupt();
            throw new BackupCancelledException(CANCELLED, e);
        } catch (ExecutionException e) {
            stop(pool, futures);
            throw translate(e.getCause());
        }
        return out;
    }

    /**
     * Stops the other parts after a failure or a cancellation, and waits until they have aborted
     * their writes. First cooperatively (their next write fails): an in-process database such as H2
     * must not be interrupted inside its own file I/O, which would close its store. Only a part that
     * has not stopped after {@link #COOPERATIVE_STOP} (e.g. blocked reading a dump tool that writes
     * nothing) is interrupted, which makes the dumper kill its tool.
     */
    private void stop(ExecutorService pool, List<Future<Written<?>>> futures) {
        cancelled.set(true);
        pool.shutdown();
        // a cancelled caller still waits for the clean-up; only a further interrupt cuts it short
        boolean interrupted = Thread.interrupted();
        try {
            if (!pool.awaitTermination(COOPERATIVE_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                futures.forEach(f -> f.cancel(true));
                pool.shutdownNow();
                if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.error("a backup task did not stop within 60 s after cancellation");
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            pool.shutdownNow();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private RuntimeException translate(Throwable cause) {
        if (cause instanceof BackupException b) {
            return b;
        }
        if (cause instanceof InterruptedIOException || cause instanceof InterruptedException) {
            return new BackupCancelledException(CANCELLED, cause);
        }
        if (cause instanceof IOException || cause instanceof UncheckedIOException) {
            return new UnableToStoreException(
                    settings.storage().describe(),
                    null,
                    "writing the backup to " + settings.storage().describe() + " failed: " + cause.getMessage()
                            + "; no backup was committed",
                    cause);
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        return new UnableToDumpDatabaseException("the backup failed: " + cause, cause);
    }

    private void commitChunks(DedupCreate chunks) {
        try {
            chunks.commit();
        } catch (IOException e) {
            throw new UnableToStoreException(
                    settings.storage().describe(),
                    null,
                    "writing the chunks of the backup failed: " + e.getMessage() + "; the backup was not committed",
                    e);
        }
    }

    private void writeManifest(BackupInfo info) {
        String name = ObjectNames.manifest(info.id());
        byte[] bytes = ManifestCodec.write(info);
        try (ObjectWrite w = settings.storage().openWrite(name)) {
            w.stream().write(bytes);
            w.commit();
        } catch (IOException e) {
            throw new UnableToStoreException(
                    settings.storage().describe(),
                    name,
                    "writing the manifest " + name + " failed: " + e.getMessage() + "; the backup was not committed",
                    e);
        }
    }

    /** Folders inside the media folder that must not be archived: the backup folder, the spool. */
    private List<Path> excludedDirs(Path mediaDir) {
        return foldersInside(settings, mediaDir);
    }

    /**
     * The folders of this library that lie inside the media folder (or are it): the local backup
     * folder and the spool folder, absolute, under the media folder as configured (compared by real
     * paths: a link does not hide them). A backup leaves them out; a restore keeps them.
     */
    static List<Path> foldersInside(EngineSettings settings, Path mediaDir) {
        List<Path> out = new ArrayList<>();
        settings.storage()
                .localFolder()
                .flatMap(p -> MediaFolderGuard.insideMedia(mediaDir, p))
                .ifPresent(out::add);
        MediaFolderGuard.insideMedia(mediaDir, settings.spoolDir()).ifPresent(out::add);
        return out;
    }

    private BackupId newId(Instant now) {
        for (int attempt = 0; attempt < 16; attempt++) {
            byte[] suffix = new byte[2];
            RANDOM.nextBytes(suffix);
            BackupId id = BackupId.of(settings.name(), now, HexFormat.of().formatHex(suffix));
            try {
                if (settings.storage().list(id.value()).isEmpty()) {
                    return id;
                }
            } catch (IOException e) {
                throw new UnableToStoreException(
                        settings.storage().describe(),
                        null,
                        "cannot list " + settings.storage().describe() + ": " + e.getMessage(),
                        e);
            }
        }
        throw new IllegalStateException("could not find a free backup id");
    }

    private void deleteQuietly(List<String> names) {
        synchronized (names) {
            for (String n : names) {
                try {
                    settings.storage().delete(n);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("could not delete {} after a failed backup; the next prune removes it", n);
                }
            }
        }
    }
}
