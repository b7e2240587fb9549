package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.internal.manifest.ManifestCodec;
import io.backupkit.backup.core.internal.manifest.ObjectNames;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** Reads the backups in a storage from their manifests (the only source of truth). */
final class Catalog {
    static final Comparator<BackupInfo> NEWEST_FIRST = Comparator.comparing(BackupInfo::created)
            .thenComparing(BackupInfo::id)
            .reversed();

    private final BackupStorage storage;
    private final BackupListener listener;

    Catalog(BackupStorage storage, BackupListener listener) {
        this.storage = storage;
        this.listener = listener;
    }

    /** What a scan of the storage found. */
    record Scan(List<StoredObject> objects, List<BackupInfo> complete, List<String> unreadableManifests) {}

    Scan scan() {
        List<StoredObject> objects = listAll();
        List<BackupInfo> complete = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (StoredObject o : objects) {
            if (ObjectNames.manifestId(o.name()).isEmpty()) {
                continue;
            }
            Optional<BackupInfo> info = readQuietly(o.name());
            if (info.isPresent()) {
                complete.add(info.get());
            } else {
                unreadable.add(o.name());
            }
        }
        complete.sort(NEWEST_FIRST);
        return new Scan(objects, complete, unreadable);
    }

    List<BackupInfo> list() {
        return scan().complete();
    }

    /** A backup by id or {@code latest}; a corrupt manifest is thrown as such, not hidden. */
    BackupInfo get(String idOrLatest) {
        if (idOrLatest == null || idOrLatest.isBlank() || RestoreOptions.LATEST.equals(idOrLatest)) {
            return latest().orElseThrow(() -> new BackupNotFoundException(
                    RestoreOptions.LATEST,
                    "there is no complete backup in " + storage.describe() + "; create one first"));
        }
        if (!BackupId.isValid(idOrLatest)) {
            throw new BackupNotFoundException(
                    idOrLatest,
                    "'" + idOrLatest
                            + "' is not a backup id (expected e.g. backup-20261127T014130Z-3f9a, or 'latest'); list the backups to see which exist");
        }
        String name = ObjectNames.manifest(new BackupId(idOrLatest));
        try {
            return read(name);
        } catch (StoredObjectNotFoundException e) {
            throw new BackupNotFoundException(
                    idOrLatest,
                    "no complete backup " + idOrLatest + " in " + storage.describe()
                            + " (its manifest is missing; an interrupted backup is never complete); list the backups to see which exist");
        }
    }

    /**
     * The newest readable backup, reading only the newest manifests: a manifest's {@code created}
     * lies within the second its id names ({@link ManifestCodec#read}), so the newest backup is
     * among the manifests of the newest id second that has a readable one.
     */
    Optional<BackupInfo> latest() {
        TreeMap<java.time.Instant, List<String>> bySecond = new TreeMap<>(Comparator.reverseOrder());
        for (StoredObject o : listAll()) {
            Optional<BackupId> id = ObjectNames.manifestId(o.name());
            if (id.isEmpty()) {
                continue;
            }
            java.time.Instant second;
            try {
                second = id.get().time();
            } catch (java.time.DateTimeException e) {
                second = java.time.Instant.MIN; // unreadable anyway; read last, warned about there
            }
            bySecond.computeIfAbsent(second, k -> new ArrayList<>()).add(o.name());
        }
        for (List<String> names : bySecond.values()) {
            List<BackupInfo> readable = new ArrayList<>();
            for (String name : names) {
                readQuietly(name).ifPresent(readable::add);
            }
            if (!readable.isEmpty()) {
                readable.sort(NEWEST_FIRST);
                return Optional.of(readable.get(0));
            }
        }
        return Optional.empty();
    }

    /** The manifest, or empty (with a warning) when it cannot be used. */
    private Optional<BackupInfo> readQuietly(String name) {
        try {
            return Optional.of(read(name));
        } catch (CorruptBackupException | IncompatibleBackupException | StoredObjectNotFoundException e) {
            String msg = "skipping " + name + ": " + e.getMessage();
            Events.warn(listener, msg);
            return Optional.empty();
        }
    }

    private BackupInfo read(String name) {
        try (InputStream in = storage.openRead(name)) {
            byte[] bytes = in.readNBytes(ManifestCodec.MAX_BYTES + 1);
            return ManifestCodec.read(name, bytes);
        } catch (StoredObjectNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    "cannot read " + name + " from " + storage.describe() + ": " + e.getMessage(),
                    e);
        }
    }

    private List<StoredObject> listAll() {
        try {
            return storage.list("");
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(), null, "cannot list " + storage.describe() + ": " + e.getMessage(), e);
        }
    }
}
