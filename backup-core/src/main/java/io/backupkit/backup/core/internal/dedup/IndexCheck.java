package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The deep check of a location's index against its packs: damaged index objects, index entries that
 * the pack they name does not list in its own table, and the chunks a backup reads only through
 * packs no index object names (an index object was lost). Packs no index object names that no
 * backup uses (left by an interrupted backup) are no finding: the next backup or prune indexes them.
 */
public final class IndexCheck {
    private static final String NEXT = "; the next backup or prune rebuilds the index from the packs";

    private final List<String> problems = new ArrayList<>();
    private final Set<ChunkId> unindexed = new HashSet<>();
    private final List<String> adopted;

    private IndexCheck(List<String> adopted) {
        this.adopted = adopted;
    }

    /** Reads the location's index and every pack's table (two ranged reads a pack). */
    public static IndexCheck of(BackupStorage storage, Encryption encryption) {
        Repository repository = Repository.open(storage, encryption).orElse(null);
        if (repository == null) {
            return new IndexCheck(List.of());
        }
        Repository.LoadedIndex loaded = repository.loadIndex();
        IndexCheck check = new IndexCheck(loaded.adopted());
        loaded.damaged().forEach(e -> check.problems.add(e.getMessage() + NEXT));
        loaded.unreadablePacks().forEach(e -> check.problems.add(e.getMessage()));
        Set<String> adopted = new HashSet<>(loaded.adopted());
        Map<String, List<IndexFile.Entry>> byPack = new TreeMap<>();
        loaded.index().forEach((id, where) -> {
            if (adopted.contains(where.pack())) {
                check.unindexed.add(id);
            } else {
                byPack.computeIfAbsent(where.pack(), p -> new ArrayList<>()).add(new IndexFile.Entry(id, where));
            }
        });
        Map<String, StoredObject> packs = new HashMap<>();
        repository.list(Repository.PACK_PREFIX).forEach(o -> packs.put(o.name(), o));
        for (Map.Entry<String, List<IndexFile.Entry>> e : byPack.entrySet()) {
            check(storage, repository.keys(), e.getKey(), packs.get(e.getKey()), e.getValue())
                    .ifPresent(check.problems::add);
        }
        return check;
    }

    /** What disagrees in the whole location, one sentence each. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Whether some chunks are found only in packs no index object names. */
    public boolean hasUnindexedChunks() {
        return !unindexed.isEmpty();
    }

    /** How many chunks of a dump list ({@code dump}) or media tree no index object names. */
    public long unindexedChunks(InputStream artifact, String name, boolean dump) throws IOException {
        Set<ChunkId> found = new HashSet<>();
        if (dump) {
            DumpList.read(artifact, name, ref -> {
                if (unindexed.contains(ref.id())) {
                    found.add(ref.id());
                }
            });
        } else {
            MediaTree.read(artifact, name, e -> e.chunks().stream()
                    .filter(r -> unindexed.contains(r.id()))
                    .forEach(r -> found.add(r.id())));
        }
        return found.size();
    }

    /** The finding for a backup that reads {@code count} chunks through packs no index object names. */
    public String unindexedProblem(String backup, long count) {
        return "backup " + backup + " uses " + count + " chunks that no index object names (they are in packs"
                + " such as " + adopted.get(0) + ": an index object was lost or is damaged)" + NEXT;
    }

    private static Optional<String> check(
            BackupStorage storage, Keys keys, String name, StoredObject pack, List<IndexFile.Entry> indexed) {
        if (pack == null) {
            return Optional.of("pack " + name + " is missing: the index names " + indexed.size() + " chunks in it");
        }
        Set<IndexFile.Entry> listed;
        try {
            listed = new HashSet<>(PackTrailer.read(storage, pack, keys));
        } catch (CorruptBackupException e) {
            return Optional.of(e.getMessage());
        } catch (StoredObjectNotFoundException e) {
            return Optional.of("pack " + name + " is missing");
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(), name, "cannot read " + name + ": " + e.getMessage(), e);
        }
        List<IndexFile.Entry> wrong =
                indexed.stream().filter(i -> !listed.contains(i)).toList();
        if (wrong.isEmpty()) {
            return Optional.empty();
        }
        String first = wrong.get(0).id().hex() + " at offset "
                + wrong.get(0).location().offset();
        return Optional.of("the index disagrees with pack " + name + ": it places " + wrong.size()
                + " chunks there that the pack's own table does not (first " + first + "); delete the "
                + Repository.INDEX_PREFIX
                + "* objects, and the next backup or prune rebuilds the index from the packs");
    }
}
