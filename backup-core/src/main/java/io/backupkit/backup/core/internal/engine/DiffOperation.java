package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupDiff;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompleteBackupException;
import io.backupkit.backup.core.internal.archive.MediaEntry;
import io.backupkit.backup.core.internal.archive.TarListing;
import io.backupkit.backup.core.internal.dedup.DedupListing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Compares two backups. The media parts are read whole and checked against their manifests (as a deep
 * verify reads them), entry headers only for an archive, the tree for a dedup backup; of the dumps only
 * the dedup chunk lists are read. Changes nothing and takes no lease.
 */
final class DiffOperation {
    private final EngineSettings settings;
    private final Catalog catalog;

    DiffOperation(EngineSettings settings, Catalog catalog) {
        this.settings = settings;
        this.catalog = catalog;
    }

    BackupDiff run(String fromId, String toId) {
        BackupInfo from = catalog.get(fromId);
        BackupInfo to = catalog.get(toId);
        BackupDiff.Dump dump = dump(from, to);
        Map<String, MediaEntry> before = media(from);
        Map<String, MediaEntry> after = media(to);
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        after.forEach((path, e) -> {
            MediaEntry old = before.get(path);
            if (old == null) {
                added.add(shown(e));
            } else if (old.differsFrom(e)) {
                changed.add(shown(e));
            }
        });
        before.forEach((path, e) -> {
            if (!after.containsKey(path)) {
                removed.add(shown(e));
            }
        });
        return new BackupDiff(from, to, added, changed, removed, dump);
    }

    private static String shown(MediaEntry e) {
        return e.type() == MediaEntry.Type.FOLDER ? e.path() + "/" : e.path();
    }

    /** The media entries of a backup by path (sorted); empty when it has no media part. */
    private Map<String, MediaEntry> media(BackupInfo backup) {
        Map<String, MediaEntry> entries = new TreeMap<>();
        Optional<ArtifactInfo> artifact = backup.artifact(ArtifactInfo.MEDIA);
        if (artifact.isEmpty()) {
            return entries;
        }
        ArtifactInfo a = artifact.get();
        MediaEntry.Sink sink = e -> entries.put(e.path(), e);
        DedupParts.read(settings, backup, a, in -> {
            if (DedupParts.isDedup(backup)) {
                DedupListing.listMedia(in, a.name(), sink);
            } else {
                TarListing.list(in, a.name(), sink);
            }
            return null;
        });
        return entries;
    }

    private BackupDiff.Dump dump(BackupInfo from, BackupInfo to) {
        Optional<ArtifactInfo> a = from.artifact(ArtifactInfo.DATABASE);
        Optional<ArtifactInfo> b = to.artifact(ArtifactInfo.DATABASE);
        if (a.isEmpty() && b.isEmpty()) {
            return null;
        }
        if (DedupParts.isDedup(from) && DedupParts.isDedup(to)) {
            Optional<DedupListing.DumpChunks> older = a.map(x -> chunks(from, x));
            Optional<DedupListing.DumpChunks> newer = b.map(x -> chunks(to, x));
            long fromBytes = older.map(DedupListing.DumpChunks::bytes).orElse(0L);
            long toBytes = newer.map(DedupListing.DumpChunks::bytes).orElse(0L);
            if (older.isEmpty() || newer.isEmpty()) {
                return new BackupDiff.Dump(fromBytes, toBytes, true, OptionalLong.of(toBytes));
            }
            return new BackupDiff.Dump(
                    fromBytes,
                    toBytes,
                    !newer.get().sameAs(older.get()),
                    OptionalLong.of(newer.get().newBytesAgainst(older.get())));
        }
        a.ifPresent(x -> checkStored(from, x));
        b.ifPresent(x -> checkStored(to, x));
        boolean differs =
                a.isEmpty() || b.isEmpty() || !a.get().sha256().equals(b.get().sha256());
        return new BackupDiff.Dump(
                a.map(ArtifactInfo::size).orElse(0L),
                b.map(ArtifactInfo::size).orElse(0L),
                differs,
                OptionalLong.empty());
    }

    private DedupListing.DumpChunks chunks(BackupInfo backup, ArtifactInfo list) {
        return DedupParts.read(settings, backup, list, in -> DedupListing.dumpChunks(in, list.name()));
    }

    /** An archive dump is not read: it is there, of its size, and (encrypted) sealed with its manifest. */
    private void checkStored(BackupInfo backup, ArtifactInfo dump) {
        Optional<ArtifactReader.Problem> problem = ArtifactReader.presence(settings.storage(), dump);
        if (problem.isPresent()) {
            String message = "backup " + backup.id() + " cannot be compared: "
                    + problem.get().text() + "; verify it to see what else is wrong";
            throw problem.get().missing()
                    ? new IncompleteBackupException(dump.name(), message)
                    : new CorruptBackupException(dump.name(), message, null);
        }
        if (dump.encrypted()) {
            ArtifactReader.authenticate(settings, backup, dump);
        }
    }
}
