package io.backupkit.backup.core.dedup;

import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The deep check of a location's index against its packs: damaged index objects, packs no index
 * object names, and index entries that the pack they name does not list in its own table.
 */
public final class IndexCheck {
    private static final String NEXT = "; the next backup or prune rebuilds the index from the packs";

    private IndexCheck() {}

    /** What disagrees, one sentence each; empty when the index and the packs agree. */
    public static List<String> problems(BackupStorage storage, Encryption encryption) {
        Repository repository = Repository.open(storage, encryption).orElse(null);
        if (repository == null) {
            return List.of();
        }
        Repository.LoadedIndex loaded = repository.loadIndex();
        List<String> problems = new ArrayList<>();
        loaded.damaged().forEach(e -> problems.add(e.getMessage() + NEXT));
        if (!loaded.adopted().isEmpty()) {
            problems.add(loaded.adopted().size() + " packs are named by no index object (left by an interrupted"
                    + " backup, or an index object was lost), first "
                    + loaded.adopted().get(0) + NEXT);
        }
        loaded.unreadablePacks().forEach(e -> problems.add(e.getMessage()));
        Set<String> adopted = new HashSet<>(loaded.adopted());
        Map<String, List<IndexFile.Entry>> byPack = new TreeMap<>();
        loaded.index().entries().forEach((id, where) -> {
            if (!adopted.contains(where.pack())) {
                byPack.computeIfAbsent(where.pack(), p -> new ArrayList<>()).add(new IndexFile.Entry(id, where));
            }
        });
        Map<String, StoredObject> packs = new HashMap<>();
        repository.list(Repository.PACK_PREFIX).forEach(o -> packs.put(o.name(), o));
        for (Map.Entry<String, List<IndexFile.Entry>> e : byPack.entrySet()) {
            check(storage, repository.keys(), e.getKey(), packs.get(e.getKey()), e.getValue())
                    .ifPresent(problems::add);
        }
        return problems;
    }

    private static java.util.Optional<String> check(
            BackupStorage storage, Keys keys, String name, StoredObject pack, List<IndexFile.Entry> indexed) {
        if (pack == null) {
            return java.util.Optional.of(
                    "pack " + name + " is missing: the index names " + indexed.size() + " chunks in it");
        }
        Set<IndexFile.Entry> listed;
        try {
            listed = new HashSet<>(PackTrailer.read(storage, pack, keys));
        } catch (CorruptBackupException e) {
            return java.util.Optional.of(e.getMessage());
        } catch (StoredObjectNotFoundException e) {
            return java.util.Optional.of("pack " + name + " is missing");
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(), name, "cannot read " + name + ": " + e.getMessage(), e);
        }
        List<IndexFile.Entry> wrong =
                indexed.stream().filter(i -> !listed.contains(i)).toList();
        if (wrong.isEmpty()) {
            return java.util.Optional.empty();
        }
        IndexFile.Entry first = wrong.get(0);
        return java.util.Optional.of("the index disagrees with pack " + name + ": it places " + wrong.size()
                + " chunks there that the pack's own table does not (first "
                + first.id().hex() + " at offset "
                + first.location().offset() + "); delete the " + Repository.INDEX_PREFIX
                + "* objects, and the next backup or"
                + " prune rebuilds the index from the packs");
    }
}
