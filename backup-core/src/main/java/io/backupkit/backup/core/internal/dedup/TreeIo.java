package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.CorruptBackupException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/** Shared pieces of the dump list and media tree encodings. */
final class TreeIo {
    private TreeIo() {}

    static void writeRef(DataOutputStream out, ChunkRef ref) throws IOException {
        out.write(ref.id().bytes());
        out.writeInt(ref.length());
    }

    static ChunkRef readRef(DataInputStream in, String name) throws IOException {
        byte[] id = new byte[ChunkId.LENGTH];
        in.readFully(id);
        int length = in.readInt();
        if (length < 0) {
            throw corrupt(name, "a chunk length is negative");
        }
        return new ChunkRef(new ChunkId(id), length);
    }

    /** A name as its length and its bytes (UTF-8 or not). */
    static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    static byte[] readBytes(DataInputStream in, String name) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) {
            throw corrupt(name, "a name of " + n + " bytes");
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException();
        }
        return b;
    }

    static void expectMagic(DataInputStream in, int magic, String name) throws IOException {
        if (in.readInt() != magic) {
            throw corrupt(name, "it does not start as it should");
        }
    }

    static CorruptBackupException corrupt(String name, String what) {
        return new CorruptBackupException(name, name + " is damaged (" + what + "); nothing was changed", null);
    }

    static CorruptBackupException truncated(String name, EOFException e) {
        return new CorruptBackupException(name, name + " is truncated; nothing was changed", e);
    }
}
