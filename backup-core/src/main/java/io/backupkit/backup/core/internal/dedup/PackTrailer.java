package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The table at the end of a pack: the index entries of its own chunks (an index object's encoding,
 * sealed to the pack's name when the location is encrypted), then its length and {@code "BKDT"}.
 * Readers find chunks through the index and never read it; it is what a lost or damaged index is
 * rebuilt from.
 */
final class PackTrailer {
    private static final int MAGIC = 0x424b4454; // BKDT
    private static final int TAIL = 8;

    private PackTrailer() {}

    static byte[] encode(String pack, List<IndexFile.Entry> entries, Keys keys) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IndexFile.write(out, entries, pack, keys);
        int length = out.size();
        DataOutputStream tail = new DataOutputStream(out);
        tail.writeInt(length);
        tail.writeInt(MAGIC);
        tail.flush();
        return out.toByteArray();
    }

    /**
     * The entries the pack's table lists, each checked to lie inside the pack before its table.
     *
     * @throws CorruptBackupException when the pack has no readable table
     */
    static List<IndexFile.Entry> read(BackupStorage storage, StoredObject pack, Keys keys) throws IOException {
        String name = pack.name();
        if (pack.size() < TAIL) {
            throw corrupt(name, "it is shorter than its table", null);
        }
        int length;
        try (InputStream in = storage.openRead(name, pack.size() - TAIL)) {
            byte[] bytes = in.readNBytes(TAIL);
            if (bytes.length < TAIL) {
                throw corrupt(name, "it is shorter than the storage lists it", null);
            }
            DataInputStream tail = new DataInputStream(new ByteArrayInputStream(bytes));
            length = tail.readInt();
            if (tail.readInt() != MAGIC) {
                throw corrupt(name, "it does not end in a table of its chunks", null);
            }
        }
        long dataEnd = pack.size() - TAIL - length;
        if (length < 1 || dataEnd < 0) {
            throw corrupt(name, "its table has a length of " + length + " bytes", null);
        }
        byte[] table;
        try (InputStream in = storage.openRead(name, dataEnd)) {
            table = in.readNBytes(length);
        }
        List<IndexFile.Entry> entries = new ArrayList<>();
        try {
            IndexFile.read(
                    new ByteArrayInputStream(table),
                    name,
                    keys,
                    (id, where) -> entries.add(new IndexFile.Entry(id, where)));
        } catch (CorruptBackupException e) {
            throw corrupt(name, "its table is damaged (" + e.getMessage() + ")", e);
        }
        for (IndexFile.Entry e : entries) {
            Location where = e.location();
            if (!where.pack().equals(name) || where.offset() + where.length() > dataEnd) {
                throw corrupt(name, "its table places chunk " + e.id().hex() + " outside the pack", null);
            }
        }
        return entries;
    }

    private static CorruptBackupException corrupt(String pack, String what, Throwable cause) {
        return new CorruptBackupException(
                pack, "the table at the end of pack " + pack + " cannot be read: " + what, cause);
    }
}
