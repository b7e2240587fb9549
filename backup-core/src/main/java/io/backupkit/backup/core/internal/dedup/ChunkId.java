package io.backupkit.backup.core.internal.dedup;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A chunk's id: the SHA-256 of its plaintext. */
public final class ChunkId {
    static final int LENGTH = 32;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final byte[] bytes;
    private final int hash;

    ChunkId(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a chunk id has 32 bytes");
        }
        this.bytes = bytes;
        this.hash = (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 24;
    }

    /** The id of {@code buf[off, off + len)}. */
    static ChunkId of(byte[] buf, int off, int len) {
        MessageDigest d = SHA256.get();
        d.update(buf, off, len);
        return new ChunkId(d.digest());
    }

    byte[] bytes() {
        return bytes;
    }

    /** Lowercase hex. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return hex().substring(0, 16);
    }
}
