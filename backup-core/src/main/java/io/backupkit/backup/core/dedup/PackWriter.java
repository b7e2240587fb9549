package io.backupkit.backup.core.dedup;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends blobs to pack objects of about {@link #TARGET} bytes, streaming into the storage (a pack is
 * never held in memory), and remembers where each chunk went. A pack becomes visible when it is full
 * or at {@link #finish}, ending in a {@link PackTrailer table} of its chunks; {@link #abort} leaves
 * only committed packs, which the caller deletes.
 */
final class PackWriter {
    static final long TARGET = 16L << 20;

    private final BackupStorage storage;
    private final Keys keys;
    private final List<IndexFile.Entry> written = new ArrayList<>();
    private final List<IndexFile.Entry> pending = new ArrayList<>();
    private final List<String> committed = new ArrayList<>();
    private ObjectWrite current;
    private String currentName;
    private long offset;
    private long bytes;

    PackWriter(BackupStorage storage, Keys keys) {
        this.storage = storage;
        this.keys = keys;
    }

    synchronized void add(ChunkId id, byte[] blob, int rawLength) throws IOException {
        if (current == null) {
            currentName = Repository.newPackName();
            current = storage.openWrite(currentName);
            offset = 0;
        }
        current.stream().write(blob);
        pending.add(new IndexFile.Entry(id, new Location(currentName, offset, blob.length, rawLength)));
        offset += blob.length;
        bytes += blob.length;
        if (offset >= TARGET) {
            commit();
        }
    }

    private void commit() throws IOException {
        byte[] trailer = PackTrailer.encode(currentName, pending, keys);
        current.stream().write(trailer);
        StoredObject stored = current.commit();
        if (stored.size() != offset + trailer.length) {
            throw new UnableToStoreException(
                    storage.describe(),
                    currentName,
                    "storage reports " + stored.size() + " bytes for " + currentName + " but "
                            + (offset + trailer.length) + " were written",
                    null);
        }
        current.close();
        committed.add(currentName);
        written.addAll(pending);
        pending.clear();
        current = null;
    }

    /** Commits the last pack; returns the entries of every chunk written. */
    synchronized List<IndexFile.Entry> finish() throws IOException {
        if (current != null) {
            commit();
        }
        return List.copyOf(written);
    }

    /** Aborts the open pack; the committed ones stay for the caller to delete. */
    synchronized void abort() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    synchronized List<String> committedPacks() {
        return List.copyOf(committed);
    }

    /** Bytes of blobs written. */
    synchronized long bytes() {
        return bytes;
    }
}
