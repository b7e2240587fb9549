package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.Compression;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.Encryption;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dedup side of one backup. The dump and the media part each cut their content into chunks,
 * store the new ones in packs of their own and write their list or tree into their artifact; then
 * {@link #commit} writes one index object for every chunk stored, and only after that the engine
 * writes the manifest. On failure {@link #abort} deletes the packs and the index written.
 */
public final class DedupCreate {
    private static final Logger LOG = LoggerFactory.getLogger(DedupCreate.class);

    private final Repository repository;
    private final ChunkIndex index;
    private final BackupListener listener;
    private final BooleanSupplier cancelled;
    private final int level;
    private final PackWriter dumpPacks;
    private final PackWriter mediaPacks;
    private final Map<String, MediaTree.Entry> previous = new HashMap<>();
    private String indexWritten;
    private long reusedFiles;

    /**
     * Opens (or starts) the location's repository and reads its index, rebuilding what is lost of it
     * from the packs (the caller holds the storage lease).
     *
     * @param compression {@link Compression#NONE} stores chunks as they are; otherwise zstd
     * @param level zstd level, 0 for the default (3)
     * @param encryption the location's encryption, or {@code null}
     */
    public DedupCreate(
            BackupStorage storage,
            Compression compression,
            int level,
            BackupListener listener,
            BooleanSupplier cancelled,
            Encryption encryption) {
        this.repository = Repository.openOrCreate(storage, encryption);
        Repository.LoadedIndex loaded = IndexRepair.repair(repository, repository.loadIndex(), listener);
        this.index = loaded.index();
        this.listener = listener;
        this.cancelled = cancelled;
        this.level = compression == Compression.NONE ? 0 : level <= 0 ? 3 : Math.min(level, 19);
        this.dumpPacks = new PackWriter(storage, repository.keys());
        this.mediaPacks = new PackWriter(storage, repository.keys());
    }

    /**
     * Reads the previous backup's media tree, so that files unchanged since are not read again. A
     * tree that cannot be read only costs reading every file.
     */
    public void usePrevious(InputStream tree, String name) {
        try {
            MediaTree.read(tree, name, e -> {
                if (e.type() == MediaTree.FILE) {
                    previous.put(e.key(), e);
                }
            });
        } catch (IOException | RuntimeException e) {
            previous.clear();
            LOG.warn(
                    "cannot use the media tree {} of the previous backup ({}); every media file is read",
                    name,
                    e.getMessage());
        }
    }

    /** Dumps the database into chunks; writes the dump's chunk list to {@code artifact}. */
    public void dump(DatabaseDumper dumper, OutputStream artifact) throws IOException {
        DumpList list = new DumpList(artifact);
        ChunkStore store = new ChunkStore(index, dumpPacks, level, repository.keys());
        try (ChunkingOutputStream chunks = new ChunkingOutputStream(repository.dumpChunker(), store, list::add)) {
            dumper.dump(chunks, listener::warning);
        }
        dumpPacks.finish();
        list.finish();
    }

    /** Walks the media folder into chunks; writes its tree to {@code artifact}. */
    public MediaInfo media(Path mediaDir, List<String> excludes, List<Path> excludedDirs, OutputStream artifact)
            throws IOException {
        MediaTree tree = new MediaTree(artifact);
        MediaWalker walker = new MediaWalker(
                mediaDir,
                excludes,
                excludedDirs,
                previous,
                new ChunkStore(index, mediaPacks, level, repository.keys()),
                repository.mediaChunker(),
                listener,
                cancelled);
        MediaInfo info = walker.walk(tree);
        mediaPacks.finish();
        tree.finish();
        reusedFiles = walker.reused();
        return info;
    }

    /** The tree of an empty media folder. */
    public static MediaInfo emptyMedia(OutputStream artifact) throws IOException {
        MediaTree tree = new MediaTree(artifact);
        tree.finish();
        return new MediaInfo(0, 0, 0, List.of());
    }

    /** Writes the index object of the chunks this backup stored (before the manifest). */
    public void commit() throws IOException {
        List<IndexFile.Entry> entries = new ArrayList<>(dumpPacks.finish());
        entries.addAll(mediaPacks.finish());
        if (!entries.isEmpty()) {
            indexWritten = repository.writeIndex(entries);
        }
        LOG.debug(
                "dedup: {} new chunks, {} bytes in packs; {} media files taken over unread",
                entries.size(),
                storedBytes(),
                reusedFiles);
    }

    /** Bytes of new chunks this backup put in packs. */
    public long storedBytes() {
        return dumpPacks.bytes() + mediaPacks.bytes();
    }

    /** Deletes what this backup stored (best effort: prune removes what remains). */
    public void abort() {
        dumpPacks.abort();
        mediaPacks.abort();
        List<String> names = new ArrayList<>(dumpPacks.committedPacks());
        names.addAll(mediaPacks.committedPacks());
        if (indexWritten != null) {
            names.add(0, indexWritten);
        }
        for (String n : names) {
            try {
                repository.storage().delete(n);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete {} after a failed backup; the next prune removes it", n);
            }
        }
    }
}
