package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CorruptBackupException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes back what {@link Repository#loadIndex()} read from the packs' own tables, under the storage
 * lease: when index objects are damaged or packs exist that no index object names, one new index
 * object lists the chunks of those packs, then the damaged index objects are deleted. It says so
 * once through the listener. A pack without a readable table is left as it is and named.
 */
final class IndexRepair {

    private IndexRepair() {}

    static Repository.LoadedIndex repair(
            Repository repository, Repository.LoadedIndex loaded, BackupListener listener) {
        if (!loaded.incomplete() && loaded.unreadablePacks().isEmpty()) {
            return loaded;
        }
        String where = repository.storage().describe();
        List<String> objects = new ArrayList<>(loaded.indexObjects());
        if (loaded.incomplete()) {
            String written = loaded.adoptedEntries().isEmpty() ? null : repository.writeIndex(loaded.adoptedEntries());
            if (loaded.unreadablePacks().isEmpty()) {
                for (CorruptBackupException d : loaded.damaged()) {
                    repository.delete(d.artifact());
                    objects.remove(d.artifact());
                }
            }
            if (written != null) {
                objects.add(written);
            }
            String msg = "the dedup index in " + where + " was rebuilt from the packs (" + reason(loaded) + "): "
                    + loaded.adopted().size() + " packs with "
                    + loaded.adoptedEntries().size()
                    + " chunks are indexed again"
                    + (loaded.unreadablePacks().isEmpty() ? "; no backup was lost" : "");
            listener.warning(msg);
        }
        for (CorruptBackupException e : loaded.unreadablePacks()) {
            String msg = e.getMessage() + "; it is kept, and backups that use its chunks cannot be restored from "
                    + where + " (delete it by hand once no backup needs it)";
            listener.warning(msg);
        }
        return new Repository.LoadedIndex(
                loaded.index(),
                List.copyOf(objects),
                loaded.unreadablePacks().isEmpty() ? List.of() : loaded.damaged(),
                loaded.keys(),
                loaded.adopted(),
                loaded.adoptedEntries(),
                loaded.unreadablePacks());
    }

    private static String reason(Repository.LoadedIndex loaded) {
        if (!loaded.damaged().isEmpty()) {
            return "the index object " + loaded.damaged().get(0).artifact() + " cannot be read"
                    + (loaded.damaged().size() > 1
                            ? ", and " + (loaded.damaged().size() - 1) + " more"
                            : "");
        }
        if (loaded.indexObjects().isEmpty()) {
            return "no index object is left";
        }
        return "packs no index object names: left by an interrupted backup, or an index object was lost";
    }
}
