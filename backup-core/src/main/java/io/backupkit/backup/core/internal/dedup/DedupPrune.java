package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the chunks no kept backup uses, under the storage lease (no backup runs meanwhile). The
 * kept backups' lists and trees are marked first; then packs no one uses are deleted and packs that
 * are mostly unused are repacked. The order keeps every kept backup restorable wherever it stops:
 * new packs, then one new index of every used chunk, then the old index objects go, then the old
 * packs. A pack that no index object named (left by an interrupted backup, or its index object
 * was lost) is indexed again from its own table and then treated like the others once older than
 * the grace period; a pack without a readable table is kept.
 */
public final class DedupPrune {
    private static final Logger LOG = LoggerFactory.getLogger(DedupPrune.class);
    /** A pack with less than this share of its bytes in use is repacked. */
    static final double REPACK_BELOW = 0.5;

    private final Repository repository;
    private final Repository.LoadedIndex loaded;
    private final BackupListener listener;
    private final Set<ChunkId> used = new HashSet<>();

    private DedupPrune(Repository repository, BackupListener listener, boolean repair) {
        this.repository = repository;
        this.loaded =
                repair ? IndexRepair.repair(repository, repository.loadIndex(), listener) : repository.loadIndex();
        this.listener = listener;
    }

    /**
     * The collector for the location's repository, or empty when it holds none; with {@code repair}
     * (the caller holds the storage lease) a lost or damaged index is first rebuilt from the packs.
     */
    public static Optional<DedupPrune> of(
            BackupStorage storage,
            io.backupkit.backup.spi.Encryption encryption,
            BackupListener listener,
            boolean repair) {
        return Repository.open(storage, encryption).map(r -> new DedupPrune(r, listener, repair));
    }

    /** Marks the chunks of a kept backup's dump list. */
    public void markDump(InputStream list, String name) throws IOException {
        DumpList.read(list, name, ref -> used.add(ref.id()));
    }

    /** Marks the chunks of a kept backup's media tree. */
    public void markMedia(InputStream tree, String name) throws IOException {
        MediaTree.read(tree, name, e -> e.chunks().forEach(r -> used.add(r.id())));
    }

    /**
     * Deletes and repacks (or, in a dry run, only says what it would).
     *
     * @param graceLimit packs no index names are deleted only when written before this
     * @return the objects deleted (or that would be)
     */
    public List<String> sweep(Instant graceLimit, boolean dryRun) throws IOException {
        if (!loaded.damaged().isEmpty()) {
            String msg = "prune leaves the dedup chunks alone: an index object is damaged ("
                    + loaded.damaged().get(0).getMessage() + ")";
            listener.warning(msg);
            return List.of();
        }
        Map<String, StoredObject> packs = new HashMap<>();
        for (StoredObject o : repository.list(Repository.PACK_PREFIX)) {
            packs.put(o.name(), o);
        }
        Map<String, Long> usedBytes = new HashMap<>();
        Set<String> indexed = new HashSet<>();
        loaded.index().forEach((id, where) -> {
            indexed.add(where.pack());
            if (used.contains(id)) {
                usedBytes.merge(where.pack(), (long) where.length(), Long::sum);
            }
        });
        List<String> delete = new ArrayList<>();
        List<String> repack = new ArrayList<>();
        Set<String> unreadable = new HashSet<>();
        loaded.unreadablePacks().forEach(e -> unreadable.add(e.artifact()));
        Set<String> adopted = new HashSet<>(loaded.adopted());
        Set<String> young = new HashSet<>();
        for (StoredObject p : packs.values()) {
            long inUse = usedBytes.getOrDefault(p.name(), 0L);
            boolean old = p.modified().isBefore(graceLimit);
            if (adopted.contains(p.name()) && !old) {
                young.add(p.name()); // it may belong to a backup still being written: kept whole
                continue;
            }
            if (unreadable.contains(p.name())) {
                continue; // its chunks cannot be known
            }
            if (!indexed.contains(p.name())) {
                if (old) {
                    delete.add(p.name());
                }
            } else if (inUse == 0) {
                delete.add(p.name());
            } else if (inUse < REPACK_BELOW * p.size()) {
                repack.add(p.name());
            }
        }
        boolean rewriteIndex = !repack.isEmpty()
                || delete.stream().anyMatch(indexed::contains)
                || loaded.indexObjects().size() > 1;
        List<String> removed = new ArrayList<>(delete);
        removed.addAll(repack);
        if (rewriteIndex) {
            removed.addAll(loaded.indexObjects());
        }
        if (dryRun || removed.isEmpty()) {
            return removed;
        }
        Set<String> gone = new HashSet<>(removed);
        ChunkIndex next = new ChunkIndex();
        loaded.index().forEach((id, where) -> {
            if ((used.contains(id) || young.contains(where.pack())) && !gone.contains(where.pack())) {
                next.add(id, where);
            }
        });
        PackWriter writer = new PackWriter(repository.storage(), repository.keys());
        try {
            copyLive(repack, writer, next);
            for (IndexFile.Entry e : writer.finish()) {
                next.move(e.id(), e.location());
            }
        } catch (IOException | RuntimeException e) {
            writer.abort();
            writer.committedPacks().forEach(repository::delete);
            throw e;
        }
        List<IndexFile.Entry> entries = new ArrayList<>();
        next.forEach((id, where) -> entries.add(new IndexFile.Entry(id, where)));
        String written = rewriteIndex ? repository.writeIndex(entries) : null;
        for (String name : loaded.indexObjects()) {
            if (rewriteIndex && !name.equals(written)) {
                repository.delete(name);
            }
        }
        for (String name : delete) {
            repository.delete(name);
        }
        for (String name : repack) {
            repository.delete(name);
        }
        LOG.info("dedup prune: {} packs deleted, {} repacked", delete.size(), repack.size());
        return removed;
    }

    /** Copies the used chunks of {@code packs} (checked on the way) into new packs. */
    private void copyLive(List<String> packs, PackWriter writer, ChunkIndex next) throws IOException {
        if (packs.isEmpty()) {
            return;
        }
        Set<String> wanted = new HashSet<>(packs);
        List<IndexFile.Entry> live = new ArrayList<>();
        loaded.index().forEach((id, where) -> {
            if (used.contains(id)
                    && wanted.contains(where.pack())
                    && next.find(id).isEmpty()) {
                live.add(new IndexFile.Entry(id, where));
            }
        });
        live.sort((a, b) -> {
            int c = a.location().pack().compareTo(b.location().pack());
            return c != 0 ? c : Long.compare(a.location().offset(), b.location().offset());
        });
        try (ChunkReader reader = new ChunkReader(repository.storage(), loaded, "(prune)")) {
            for (IndexFile.Entry e : live) {
                ChunkRef ref = new ChunkRef(e.id(), e.location().rawLength());
                byte[] blob = reader.readBlob(ref);
                writer.add(e.id(), blob, ref.length());
            }
        }
    }
}
