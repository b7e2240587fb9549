package io.backupkit.backup.core.internal.dedup;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.backupkit.backup.CorruptBackupException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An index object: zstd of {@code "BKDI" version}, the pack names, the entries (chunk id, pack
 * number, offset, length, plaintext length), and the SHA-256 of all that, so a truncated or altered
 * index is told apart from a short one.
 */
final class IndexFile {
    private static final int MAGIC = 0x424b4449; // BKDI
    private static final int VERSION = 1;

    /** An entry's bytes: id, pack number, offset, length, plaintext length. */
    private static final int RECORD = ChunkId.LENGTH + 4 + 8 + 4 + 4;
    /** Entries read into one array. */
    private static final int PAGE = 1024;

    private IndexFile() {}

    record Entry(ChunkId id, Location location) {}

    /** Writes an index object; with {@code keys} encrypting, sealed to its {@code name}. */
    static void write(OutputStream target, List<Entry> entries, String name, Keys keys) throws IOException {
        if (!keys.encrypted()) {
            write(target, entries);
            return;
        }
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        write(plain, entries);
        target.write(keys.seal(plain.toByteArray(), Keys.context(name)));
    }

    /** Reads an index object written by {@link #write(OutputStream, List, String, Keys)}. */
    static void read(InputStream source, String name, Keys keys, BiConsumer<ChunkId, Location> sink)
            throws IOException {
        if (!keys.encrypted()) {
            read(source, name, sink);
            return;
        }
        byte[] plain;
        try {
            plain = keys.open(source.readAllBytes(), Keys.context(name), name);
        } catch (CorruptBackupException e) {
            throw corrupt(name, "it does not authenticate", e);
        }
        read(new java.io.ByteArrayInputStream(plain), name, sink);
    }

    static void write(OutputStream target, List<Entry> entries) throws IOException {
        Map<String, Integer> packs = new LinkedHashMap<>();
        for (Entry e : entries) {
            packs.putIfAbsent(e.location().pack(), packs.size());
        }
        MessageDigest sha = sha256();
        ZstdOutputStream z = new ZstdOutputStream(target, 3);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(z, sha), 1 << 16));
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(packs.size());
        for (String p : packs.keySet()) {
            out.writeUTF(p);
        }
        out.writeInt(entries.size());
        for (Entry e : entries) {
            out.write(e.id().bytes());
            out.writeInt(packs.get(e.location().pack()));
            out.writeLong(e.location().offset());
            out.writeInt(e.location().length());
            out.writeInt(e.location().rawLength());
        }
        out.flush();
        z.write(sha.digest());
        z.close();
    }

    /** Reads the entries of an index object into {@code sink}; a damaged one throws before any entry is used. */
    static void read(InputStream source, String name, BiConsumer<ChunkId, Location> sink) throws IOException {
        // held as read, 52 bytes an entry, until the checksum is checked: not three objects an entry
        List<ByteBuffer> pages = new ArrayList<>();
        List<String> packNames = new ArrayList<>();
        int count;
        MessageDigest sha = sha256();
        try (ZstdInputStream z = new ZstdInputStream(source)) {
            BufferedInputStream buffered = new BufferedInputStream(z, 1 << 16);
            DigestInputStream digested = new DigestInputStream(buffered, sha);
            DataInputStream in = new DataInputStream(digested);
            if (in.readInt() != MAGIC) {
                throw corrupt(name, "it is not an index object", null);
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw corrupt(name, "it has version " + version + ", this library reads " + VERSION, null);
            }
            int packCount = in.readInt();
            if (packCount < 0 || packCount > 10_000_000) {
                throw corrupt(name, "it names " + packCount + " packs", null);
            }
            for (int i = 0; i < packCount; i++) {
                packNames.add(in.readUTF().intern());
            }
            count = in.readInt();
            if (count < 0) {
                throw corrupt(name, "it has " + count + " entries", null);
            }
            for (int i = 0; i < count; i++) {
                if (i % PAGE == 0) {
                    pages.add(ByteBuffer.allocate(PAGE * RECORD));
                }
                ByteBuffer page = pages.get(i / PAGE);
                int at = i % PAGE * RECORD;
                in.readFully(page.array(), at, RECORD);
                int pack = page.getInt(at + ChunkId.LENGTH);
                if (pack < 0
                        || pack >= packNames.size()
                        || page.getLong(at + ChunkId.LENGTH + 4) < 0
                        || page.getInt(at + ChunkId.LENGTH + 12) < 1
                        || page.getInt(at + ChunkId.LENGTH + 16) < 0) {
                    throw corrupt(name, "entry " + i + " is malformed", null);
                }
            }
            digested.on(false);
            byte[] expected = sha.digest();
            byte[] actual = new byte[expected.length];
            in.readFully(actual);
            if (!MessageDigest.isEqual(expected, actual)) {
                throw corrupt(name, "its checksum does not match", null);
            }
            if (buffered.read() != -1) {
                throw corrupt(name, "it has bytes after its end", null);
            }
        } catch (EOFException e) {
            throw corrupt(name, "it is truncated", e);
        } catch (com.github.luben.zstd.ZstdIOException e) {
            throw corrupt(name, "it does not decompress (" + e.getMessage() + ")", e);
        }
        for (int i = 0; i < count; i++) {
            ByteBuffer page = pages.get(i / PAGE);
            int at = i % PAGE * RECORD;
            sink.accept(
                    new ChunkId(Arrays.copyOfRange(page.array(), at, at + ChunkId.LENGTH)),
                    new Location(
                            packNames.get(page.getInt(at + ChunkId.LENGTH)),
                            page.getLong(at + ChunkId.LENGTH + 4),
                            page.getInt(at + ChunkId.LENGTH + 12),
                            page.getInt(at + ChunkId.LENGTH + 16)));
        }
    }

    private static CorruptBackupException corrupt(String name, String what, Throwable cause) {
        return new CorruptBackupException(
                name,
                "the dedup index " + name + " is damaged: " + what + "; nothing was changed. Backups whose chunks"
                        + " it lists cannot be read until it is repaired; other backups are not affected",
                cause);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
