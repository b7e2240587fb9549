package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompleteBackupException;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.spi.BackupStorage;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads chunks, checked against their ids, in the order asked. Chunks stored one after the other
 * (as a backup wrote them) are read from one open stream of their pack; a few packs stay open at
 * once, so a stream whose chunks alternate between an old pack and a new one reads each pack
 * forward; a jump back opens the pack again at the chunk. Not thread-safe.
 */
final class ChunkReader implements AutoCloseable {
    /** A gap up to this size is read through rather than opening the pack again. */
    private static final long SKIP_LIMIT = 1 << 20;

    private final BackupStorage storage;
    private final ChunkIndex index;
    private final List<CorruptBackupException> damagedIndexes;
    private final String backup;
    private final Keys keys;
    /** Packs kept open at once. */
    private static final int OPEN = 6;

    /** An open pack stream and where it is. */
    private static final class Cursor {
        final InputStream in;
        long position;

        Cursor(InputStream in, long position) {
            this.in = in;
            this.position = position;
        }
    }

    private final java.util.LinkedHashMap<String, Cursor> open = new java.util.LinkedHashMap<>(16, 0.75f, true);

    ChunkReader(BackupStorage storage, Repository.LoadedIndex loaded, String backup) {
        this.storage = storage;
        this.index = loaded.index();
        this.damagedIndexes = loaded.damaged();
        this.backup = backup;
        this.keys = loaded.keys();
    }

    /** The plaintext of {@code ref}. */
    byte[] read(ChunkRef ref) throws IOException {
        Location where = locate(index, ref, damagedIndexes, backup);
        if (where.length() < 1) {
            return Blobs.decode(new byte[0], ref.length(), ref.id(), where.pack(), keys); // says it is empty
        }
        // the codec byte apart, so a chunk stored as is is read into the one array it is returned in
        Cursor cursor = position(where);
        byte codec = readFully(cursor, 1, where, ref)[0];
        byte[] payload = readFully(cursor, where.length() - 1, where, ref);
        return Blobs.decode(codec, payload, 0, payload.length, ref.length(), ref.id(), where.pack(), keys);
    }

    /** The stored form of {@code ref}, checked to decode to it. */
    byte[] readBlob(ChunkRef ref) throws IOException {
        Location where = locate(index, ref, damagedIndexes, backup);
        byte[] blob = readFully(position(where), where.length(), where, ref);
        Blobs.decode(blob, ref.length(), ref.id(), where.pack(), keys);
        return blob;
    }

    private byte[] readFully(Cursor cursor, int length, Location where, ChunkRef ref) throws IOException {
        byte[] blob = new byte[length];
        try {
            int n = cursor.in.readNBytes(blob, 0, blob.length);
            if (n != blob.length) {
                throw new EOFException();
            }
        } catch (EOFException e) {
            close();
            throw truncated(where, ref, backup, e);
        }
        cursor.position += blob.length;
        return blob;
    }

    /** Where {@code ref} is stored, its length checked against the index. */
    static Location locate(ChunkIndex index, ChunkRef ref, List<CorruptBackupException> damagedIndexes, String backup) {
        Location where = index.find(ref.id()).orElseThrow(() -> missing(ref, damagedIndexes, backup));
        if (where.rawLength() != ref.length()) {
            throw new CorruptBackupException(
                    where.pack(),
                    "chunk " + ref.id().hex() + " of backup " + backup + " has " + ref.length()
                            + " bytes, the index says " + where.rawLength() + "; nothing was changed",
                    null);
        }
        return where;
    }

    static CorruptBackupException truncated(Location where, ChunkRef ref, String backup, EOFException e) {
        return new CorruptBackupException(
                where.pack(),
                "pack " + where.pack() + " is truncated: chunk " + ref.id().hex() + " of backup " + backup
                        + " is not whole; nothing was changed",
                e);
    }

    /** {@code where}'s pack from {@code where}'s offset on. */
    static InputStream openPack(BackupStorage storage, Location where, String backup) throws IOException {
        try {
            return storage.openRead(where.pack(), where.offset());
        } catch (StoredObjectNotFoundException e) {
            throw new IncompleteBackupException(
                    where.pack(),
                    "pack " + where.pack() + " is missing from " + storage.describe() + ": backup " + backup
                            + " cannot be read; nothing was changed");
        }
    }

    private Cursor position(Location where) throws IOException {
        Cursor c = open.get(where.pack());
        if (c != null && where.offset() >= c.position && where.offset() - c.position <= SKIP_LIMIT) {
            c.in.skipNBytes(where.offset() - c.position);
            c.position = where.offset();
            return c;
        }
        if (c != null) {
            closeQuietly(open.remove(where.pack()));
        } else if (open.size() >= OPEN) {
            var eldest = open.entrySet().iterator().next();
            closeQuietly(eldest.getValue());
            open.remove(eldest.getKey());
        }
        c = new Cursor(new BufferedInputStream(openPack(storage, where, backup), 256 << 10), where.offset());
        open.put(where.pack(), c);
        return c;
    }

    private static CorruptBackupException missing(
            ChunkRef ref, List<CorruptBackupException> damagedIndexes, String backup) {
        String why = damagedIndexes.isEmpty()
                ? "no index names it"
                : "no readable index names it (damaged: "
                        + damagedIndexes.get(0).artifact() + ")";
        return new CorruptBackupException(
                "chunk " + ref.id().hex(),
                "backup " + backup + " uses chunk " + ref.id().hex() + " but " + why
                        + "; the backup cannot be restored from this storage, nothing was changed",
                null);
    }

    private static void closeQuietly(Cursor c) {
        try {
            c.in.close();
        } catch (IOException ignored) {
            // reading is over
        }
    }

    @Override
    public void close() {
        open.values().forEach(ChunkReader::closeQuietly);
        open.clear();
    }
}
