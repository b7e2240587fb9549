package io.backupkit.backup.core.internal.dedup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The database artifact of a dedup backup: the dump's chunks in order ({@code "BKDL"}, then per
 * chunk {@code 1}, id, length; then {@code 0}, the total length and the chunk count).
 */
final class DumpList {
    static final int MAGIC = 0x424b444c; // BKDL

    /** Receives the chunks of a dump list in order. */
    @FunctionalInterface
    interface Visitor {
        void chunk(ChunkRef ref) throws IOException;
    }

    private final DataOutputStream out;
    private long total;
    private long count;

    DumpList(OutputStream target) throws IOException {
        this.out = new DataOutputStream(new BufferedOutputStream(target, 1 << 16));
        out.writeInt(MAGIC);
    }

    void add(ChunkId id, int length) throws IOException {
        out.writeByte(1);
        TreeIo.writeRef(out, new ChunkRef(id, length));
        total += length;
        count++;
    }

    /** Writes the end; does not close the target. */
    void finish() throws IOException {
        out.writeByte(0);
        out.writeLong(total);
        out.writeLong(count);
        out.flush();
    }

    /** Reads a dump list to its end; returns the dump's length. */
    static long read(InputStream source, String name, Visitor visitor) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
        try {
            TreeIo.expectMagic(in, MAGIC, name);
            long total = 0;
            long count = 0;
            while (true) {
                int tag = in.readByte();
                if (tag == 0) {
                    break;
                }
                if (tag != 1) {
                    throw TreeIo.corrupt(name, "an entry tag " + tag);
                }
                ChunkRef ref = TreeIo.readRef(in, name);
                total += ref.length();
                count++;
                visitor.chunk(ref);
            }
            if (in.readLong() != total || in.readLong() != count) {
                throw TreeIo.corrupt(name, "its totals do not match its chunks");
            }
            return total;
        } catch (EOFException e) {
            throw TreeIo.truncated(name, e);
        }
    }
}
