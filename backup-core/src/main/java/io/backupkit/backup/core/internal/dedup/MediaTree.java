package io.backupkit.backup.core.internal.dedup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The media artifact of a dedup backup: every folder, file and symbolic link of the media folder in
 * walk order (a folder before what it holds), each with its mode and mtime; a file also with the
 * size, inode, device and ctime it had (to know next time that it did not change) and its chunks.
 * Names and link targets are the file system's bytes, also when they are not UTF-8 (trees written
 * before held UTF-8 only, in the same length-prefixed form, and read the same).
 */
final class MediaTree {
    static final int MAGIC = 0x424b4d54; // BKMT
    static final byte DIRECTORY = 1;
    static final byte FILE = 2;
    static final byte SYMLINK = 3;

    /** One entry; {@code path} is relative with '/' separators, as bytes. */
    record Entry(
            byte type,
            byte[] path,
            int mode,
            long mtimeSeconds,
            int mtimeNanos,
            long size,
            long inode,
            long device,
            long ctimeNanos,
            byte[] linkTarget,
            List<ChunkRef> chunks) {
        /** The path as text: UTF-8, bytes that are not shown as U+FFFD (as a tar listing shows them). */
        String name() {
            return name(path);
        }

        static String name(byte[] path) {
            return new String(path, StandardCharsets.UTF_8);
        }

        /** The path as a map key that keeps every byte apart. */
        String key() {
            return key(path);
        }

        static String key(byte[] path) {
            return new String(path, StandardCharsets.ISO_8859_1);
        }

        /** Whether a file found with these attributes is this entry unchanged. */
        boolean sameFile(long size, long mtimeSeconds, int mtimeNanos, long inode, long device, long ctimeNanos) {
            return type == FILE
                    && this.size == size
                    && this.mtimeSeconds == mtimeSeconds
                    && this.mtimeNanos == mtimeNanos
                    && this.inode == inode
                    && this.device == device
                    && this.ctimeNanos == ctimeNanos;
        }
    }

    /** Receives the entries of a tree in order. */
    @FunctionalInterface
    interface Visitor {
        void entry(Entry e) throws IOException;
    }

    private final DataOutputStream out;

    MediaTree(OutputStream target) throws IOException {
        this.out = new DataOutputStream(new BufferedOutputStream(target, 1 << 16));
        out.writeInt(MAGIC);
    }

    void add(Entry e) throws IOException {
        out.writeByte(e.type());
        TreeIo.writeBytes(out, e.path());
        out.writeInt(e.mode());
        out.writeLong(e.mtimeSeconds());
        out.writeInt(e.mtimeNanos());
        if (e.type() == FILE) {
            out.writeLong(e.size());
            out.writeLong(e.inode());
            out.writeLong(e.device());
            out.writeLong(e.ctimeNanos());
            out.writeInt(e.chunks().size());
            for (ChunkRef r : e.chunks()) {
                TreeIo.writeRef(out, r);
            }
        } else if (e.type() == SYMLINK) {
            TreeIo.writeBytes(out, e.linkTarget());
        }
    }

    void finish() throws IOException {
        out.writeByte(0);
        out.flush();
    }

    static void read(InputStream source, String name, Visitor visitor) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
        try {
            TreeIo.expectMagic(in, MAGIC, name);
            while (true) {
                byte type = in.readByte();
                if (type == 0) {
                    return;
                }
                if (type != DIRECTORY && type != FILE && type != SYMLINK) {
                    throw TreeIo.corrupt(name, "an entry type " + type);
                }
                byte[] path = TreeIo.readBytes(in, name);
                int mode = in.readInt();
                long mtime = in.readLong();
                int nanos = in.readInt();
                long size = 0;
                long inode = 0;
                long device = 0;
                long ctime = 0;
                byte[] link = null;
                List<ChunkRef> chunks = List.of();
                if (type == FILE) {
                    size = in.readLong();
                    inode = in.readLong();
                    device = in.readLong();
                    ctime = in.readLong();
                    int n = in.readInt();
                    if (n < 0 || n > size + 1) {
                        throw TreeIo.corrupt(name, Entry.name(path) + " has " + n + " chunks");
                    }
                    List<ChunkRef> list = new ArrayList<>(n);
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        ChunkRef r = TreeIo.readRef(in, name);
                        sum += r.length();
                        list.add(r);
                    }
                    if (sum != size) {
                        throw TreeIo.corrupt(
                                name, Entry.name(path) + ": its chunks hold " + sum + " bytes, its size is " + size);
                    }
                    chunks = list;
                } else if (type == SYMLINK) {
                    link = TreeIo.readBytes(in, name);
                }
                visitor.entry(new Entry(type, path, mode, mtime, nanos, size, inode, device, ctime, link, chunks));
            }
        } catch (EOFException e) {
            throw TreeIo.truncated(name, e);
        }
    }
}
