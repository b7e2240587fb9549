package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.CorruptBackupException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

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

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in, String name) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) {
            throw corrupt(name, "a name of " + n + " bytes");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
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
