package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.Compression;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.internal.archive.ExtractLimits;
import io.backupkit.backup.core.internal.archive.MediaExtractor;
import io.backupkit.backup.core.internal.archive.MediaSelection;
import io.backupkit.backup.core.internal.dedup.DedupCreate;
import io.backupkit.backup.core.internal.dedup.DedupPrune;
import io.backupkit.backup.core.internal.dedup.DedupReader;
import io.backupkit.backup.core.internal.dedup.DumpChunks;
import io.backupkit.backup.core.internal.dedup.IndexCheck;
import io.backupkit.backup.core.internal.dedup.Repository;
import io.backupkit.backup.core.internal.manifest.ObjectNames;
import io.backupkit.backup.core.internal.pipeline.HashingInputStream;
import io.backupkit.backup.core.internal.pipeline.HashingOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * Where the engine meets the dedup format: names of its artifacts, the manifest attribute that marks
 * a dedup backup, and reading an artifact (a chunk list or media tree) checked against the manifest.
 */
final class DedupParts {
    /** The manifest attribute that names a backup's format (absent: archive). */
    static final String FORMAT_ATTRIBUTE = "format";

    private DedupParts() {}

    static boolean isDedup(BackupInfo backup) {
        return BackupFormat.DEDUP.id().equals(backup.attributes().get(FORMAT_ATTRIBUTE));
    }

    static String dumpListName(BackupId id, String format, Compression compression, String encExt) {
        return ObjectNames.dumpChunks(id, format, compression, encExt);
    }

    static String mediaTreeName(BackupId id, Compression compression, String encExt) {
        return ObjectNames.mediaTree(id, compression, encExt);
    }

    /** Starts the dedup side of a backup: opens the repository, reads the previous media tree. */
    static DedupCreate startCreate(EngineSettings settings, BackupListener listener, BooleanSupplier cancelled) {
        Repository.checkFormat(settings.storage(), BackupFormat.DEDUP);
        DedupCreate create = new DedupCreate(
                settings.storage(),
                settings.compression(),
                settings.compressionLevel(),
                listener,
                cancelled,
                settings.encryption());
        previousMedia(settings, listener).ifPresent(b -> {
            ArtifactInfo tree = b.artifact(ArtifactInfo.MEDIA).orElseThrow();
            try {
                read(settings, b, tree, in -> {
                    create.usePrevious(in, tree.name());
                    return null;
                });
            } catch (RuntimeException e) {
                listener.warning("cannot read the media tree of " + b.id() + " (" + e.getMessage()
                        + "); every media file is read again");
            }
        });
        return create;
    }

    /** The newest dedup backup with a media part, whose tree tells which files did not change. */
    private static Optional<BackupInfo> previousMedia(EngineSettings settings, BackupListener listener) {
        return new Catalog(settings.storage(), listener)
                .list().stream()
                        .filter(DedupParts::isDedup)
                        .filter(b -> b.artifact(ArtifactInfo.MEDIA).isPresent())
                        .findFirst();
    }

    /** Reads a decoded artifact. */
    @FunctionalInterface
    interface Reading<T> {
        T read(InputStream decoded) throws IOException;
    }

    /**
     * Reads {@code artifact} of {@code backup} decoded, then checks its size and SHA-256 against the
     * manifest: what {@code reading} made of a damaged artifact is refused after it.
     */
    static <T> T read(EngineSettings settings, BackupInfo backup, ArtifactInfo artifact, Reading<T> reading) {
        try (InputStream raw = ArtifactReader.openRaw(settings.storage(), artifact);
                HashingInputStream hashed = new HashingInputStream(raw)) {
            T result;
            try (InputStream decoded =
                    ArtifactReader.decode(settings, backup, artifact, CloseShieldInputStream.wrap(hashed))) {
                result = reading.read(decoded);
                decoded.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | CorruptBackupException e) {
                // a damaged artifact shows as a malformed tree: report the digest mismatch, the cause
                hashed.drain();
                ArtifactReader.check(artifact, hashed);
                throw e;
            }
            hashed.drain();
            ArtifactReader.check(artifact, hashed);
            return result;
        } catch (IOException e) {
            throw ArtifactReader.unreadable(settings.storage(), artifact, e);
        }
    }

    /** Deep check of a dedup backup: the index against the packs, its lists and trees, every chunk they name. */
    static List<String> deepCheck(EngineSettings settings, BackupInfo backup) {
        DedupReader reader = new DedupReader(settings.storage(), settings.encryption());
        IndexCheck index = IndexCheck.of(settings.storage(), settings.encryption());
        List<String> problems = new ArrayList<>(index.problems());
        long unindexed = 0;
        for (ArtifactInfo a : backup.artifacts()) {
            try {
                boolean dump = a.kind().equals(ArtifactInfo.DATABASE);
                if (index.hasUnindexedChunks()) {
                    unindexed += read(settings, backup, a, in -> index.unindexedChunks(in, a.name(), dump));
                }
                problems.addAll(read(
                        settings,
                        backup,
                        a,
                        in -> a.kind().equals(ArtifactInfo.DATABASE)
                                ? reader.checkDump(in, a.name(), backup.id().value())
                                : reader.checkMedia(in, a.name(), backup.id().value())));
            } catch (CorruptBackupException e) {
                problems.add(e.getMessage());
            }
        }
        if (unindexed > 0) {
            problems.add(index.unindexedProblem(backup.id().value(), unindexed));
        }
        return problems;
    }

    /**
     * Collects the chunks no backup of {@code kept} uses (under the lease). Does nothing, with a
     * warning, when a kept backup's list or tree cannot be read: its chunks cannot be known.
     */
    static List<String> collectGarbage(
            EngineSettings settings, List<BackupInfo> kept, Instant graceLimit, boolean dryRun) {
        Optional<DedupPrune> prune =
                DedupPrune.of(settings.storage(), settings.encryption(), settings.listener(), !dryRun);
        if (prune.isEmpty()) {
            return List.of();
        }
        for (BackupInfo b : kept) {
            for (ArtifactInfo a : b.artifacts()) {
                try {
                    read(settings, b, a, in -> {
                        if (a.kind().equals(ArtifactInfo.DATABASE)) {
                            prune.get().markDump(in, a.name());
                        } else {
                            prune.get().markMedia(in, a.name());
                        }
                        return null;
                    });
                } catch (CorruptBackupException | UnableToStoreException | UnableToDecryptException e) {
                    String msg = "prune leaves the dedup chunks alone: the chunks of backup " + b.id()
                            + " cannot be known (" + e.getMessage() + ")";
                    Events.warn(settings.listener(), msg);
                    return List.of();
                }
            }
        }
        try {
            return prune.get().sweep(graceLimit, dryRun);
        } catch (IOException e) {
            throw new UnableToStoreException(
                    settings.storage().describe(), null, "pruning the dedup chunks failed: " + e.getMessage(), e);
        }
    }

    static Restore restore(EngineSettings settings, BackupInfo backup) {
        return new Restore(settings, backup);
    }

    /** The dedup side of a restore: the dump from its chunks, the media as a tar stream. */
    static final class Restore {
        private final EngineSettings settings;
        private final BackupInfo backup;
        private final DedupReader reader;

        Restore(EngineSettings settings, BackupInfo backup) {
            this.settings = settings;
            this.backup = backup;
            this.reader = new DedupReader(settings.storage(), settings.encryption());
        }

        /**
         * The dump, its chunk list checked against the manifest first. {@code atGate}: streamed into the
         * dumper, judged at the commit gate; otherwise written into the work folder from its chunks,
         * each checked, before the restore starts.
         */
        DumpBytes dump(ArtifactInfo list, Path work, boolean atGate) {
            DumpChunks chunks = read(settings, backup, list, in -> reader.readDumpList(in, list.name()));
            ChunkedDump streamed = new ChunkedDump(reader, chunks, backup.id(), list.name());
            if (atGate) {
                return streamed;
            }
            Path file = work.resolve(
                    "dump-" + backup.id().value() + "." + backup.database().format());
            HashingOutputStream hashed;
            try (InputStream in = streamed.open();
                    OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                hashed = new HashingOutputStream(out);
                in.transferTo(hashed);
                hashed.flush();
            } catch (IOException e) {
                if (e.getCause() instanceof BackupException damaged) {
                    throw damaged;
                }
                throw new UnableToRestoreDatabaseException(
                        "cannot write the dump of " + backup.id() + " to " + file + ": " + e.getMessage()
                                + "; nothing was changed",
                        e);
            }
            ArtifactInfo spooled = new ArtifactInfo(
                    ArtifactInfo.DATABASE,
                    file.getFileName().toString(),
                    hashed.count(),
                    hashed.sha256(),
                    Compression.NONE,
                    null,
                    null);
            return new FileDump(settings, backup, spooled, file, false);
        }

        /** Extracts the media tree into {@code staging} through the archive extractor's checks. */
        void extractMedia(ArtifactInfo tree, Path staging, ExtractLimits limits, BackupListener listener) {
            extractMedia(tree, staging, limits, listener, null);
        }

        /** {@link #extractMedia} of one file or folder ({@code selection}; {@code null}: all). */
        MediaInfo extractMedia(
                ArtifactInfo tree,
                Path staging,
                ExtractLimits limits,
                BackupListener listener,
                MediaSelection selection) {
            PipedInputStream in = new PipedInputStream(1 << 20);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread producer;
            try {
                PipedOutputStream out = new PipedOutputStream(in);
                producer = new Thread(
                        () -> {
                            try (out) {
                                read(settings, backup, tree, decoded -> {
                                    reader.writeMediaTar(
                                            decoded,
                                            tree.name(),
                                            backup.id().value(),
                                            out,
                                            selection == null ? path -> true : selection::includes);
                                    return null;
                                });
                            } catch (RuntimeException | Error e) {
                                failed.set(e);
                            } catch (IOException e) {
                                failed.set(new UncheckedIOException(e));
                            }
                        },
                        "backup-restore-media-chunks");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            producer.setDaemon(true);
            producer.start();
            RuntimeException extracting = null;
            MediaInfo extracted = null;
            try {
                MediaExtractor extractor = new MediaExtractor(limits, listener);
                extracted = selection == null
                        ? extractor.extract(in, staging, tree.name())
                        : extractor.extract(in, staging, tree.name(), selection);
                in.transferTo(OutputStream.nullOutputStream());
            } catch (RuntimeException | IOException e) {
                extracting = e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
            } finally {
                try {
                    in.close(); // a producer still writing fails and ends
                } catch (IOException ignored) {
                    // nothing to release
                }
            }
            try {
                producer.join();
            } catch (InterruptedException e) {
                producer.interrupt();
                Thread.currentThread().interrupt();
                throw new BackupCancelledException("the restore was cancelled; nothing was changed", e);
            }
            // the chunks' failure is the cause of what the extractor saw
            if (failed.get() instanceof Error e) {
                throw e; // out of memory is not a corrupt backup
            }
            if (failed.get() instanceof BackupException b) {
                throw b;
            }
            if (extracting != null) {
                throw extracting;
            }
            if (failed.get() != null) {
                throw new UnableToRestoreMediaException(
                        "reading the media of " + backup.id() + " failed: "
                                + failed.get().getMessage() + "; nothing was changed",
                        failed.get());
            }
            return extracted;
        }
    }
}
