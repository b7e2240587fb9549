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
    /** Reused for every chunk: the stored bytes after the codec, and the decoded plaintext. */
    private byte[] payload = new byte[0];

    private byte[] plain = new byte[0];

    ChunkReader(BackupStorage storage, Repository.LoadedIndex loaded, String backup) {
        this.storage = storage;
        this.index = loaded.index();
        this.damagedIndexes = loaded.damaged();
        this.backup = backup;
        this.keys = loaded.keys();
    }

    /** Takes a chunk's plaintext, {@code b[off, off + len)}, valid only during the call. */
    @FunctionalInterface
    interface Sink {
        void accept(byte[] b, int off, int len) throws IOException;
    }

    /**
     * Gives the plaintext of {@code ref} to {@code sink} from buffers this reader reuses: a chunk of
     * several MiB is not a new array each time (at a small heap each would be a humongous allocation).
     */
    void read(ChunkRef ref, Sink sink) throws IOException {
        Location where = locate(index, ref, damagedIndexes, backup);
        if (where.length() < 1) {
            Blobs.decode(new byte[0], ref.length(), ref.id(), where.pack(), keys); // says it is empty
        }
        Cursor cursor = position(where);
        int codec = cursor.in.read();
        if (codec < 0) {
            close();
            throw truncated(where, ref, backup, new EOFException());
        }
        cursor.position++;
        int n = where.length() - 1;
        if (payload.length < n) {
            payload = new byte[roundUp(n)];
        }
        readFully(cursor, payload, n, where, ref);
        if (Blobs.storedAsIs((byte) codec, keys)) {
            Blobs.check(payload, 0, n, ref.length(), ref.id(), where.pack(), keys);
            sink.accept(payload, 0, n);
            return;
        }
        if (plain.length < ref.length()) {
            plain = new byte[roundUp(ref.length())];
        }
        Blobs.decodeTo((byte) codec, payload, 0, n, ref.length(), ref.id(), where.pack(), keys, plain, 0);
        sink.accept(plain, 0, ref.length());
    }

    /** A buffer size for {@code n} bytes: whole 256 KiB steps, so growing chunk sizes reallocate a few times. */
    private static int roundUp(int n) {
        return (int) Math.min(Integer.MAX_VALUE - 8, (n + (256L << 10) - 1) & -(256L << 10));
    }

    /** The stored form of {@code ref}, checked to decode to it. */
    byte[] readBlob(ChunkRef ref) throws IOException {
        Location where = locate(index, ref, damagedIndexes, backup);
        byte[] blob = new byte[where.length()];
        readFully(position(where), blob, blob.length, where, ref);
        Blobs.decode(blob, ref.length(), ref.id(), where.pack(), keys);
        return blob;
    }

    private void readFully(Cursor cursor, byte[] into, int length, Location where, ChunkRef ref) throws IOException {
        try {
            if (cursor.in.readNBytes(into, 0, length) != length) {
                throw new EOFException();
            }
        } catch (EOFException e) {
            close();
            throw truncated(where, ref, backup, e);
        }
        cursor.position += length;
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
