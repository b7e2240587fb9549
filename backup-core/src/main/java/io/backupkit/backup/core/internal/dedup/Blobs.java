package io.backupkit.backup.core.internal.dedup;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.backupkit.backup.CorruptBackupException;
import java.util.Arrays;

/**
 * How a chunk is stored in a pack: one codec byte ({@code 0} as is, {@code 1} zstd) and the bytes.
 * A chunk that does not get smaller is stored as is. Decoding checks the chunk against its id.
 */
final class Blobs {
    private static final byte RAW = 0;
    private static final byte ZSTD = 1;
    private static final ThreadLocal<ZstdCompressCtx> COMPRESS = ThreadLocal.withInitial(ZstdCompressCtx::new);
    private static final ThreadLocal<ZstdDecompressCtx> DECOMPRESS = ThreadLocal.withInitial(ZstdDecompressCtx::new);

    /** Chunks up to this size are compressed in a scratch buffer (dump chunks are at most 64 KiB). */
    private static final int SCRATCH = 256 << 10;

    private static final ThreadLocal<byte[]> SCRATCH_BUFFER = ThreadLocal.withInitial(() -> new byte[SCRATCH + 1]);

    private Blobs() {}

    /**
     * The stored form of chunk {@code id}, {@code buf[off, off + len)}, at zstd {@code level} (0:
     * stored as is); with {@code keys} encrypting, the bytes after the codec are sealed to the id.
     */
    static byte[] encode(byte[] buf, int off, int len, int level, ChunkId id, Keys keys) {
        // zstd gets one byte less than the chunk, else it is stored as is; a small chunk is compressed
        // into this thread's scratch buffer, so only the blob itself is a new array
        boolean small = len <= SCRATCH;
        byte[] work = small ? SCRATCH_BUFFER.get() : new byte[len + 1];
        int n = level > 0 && len > 1 ? compress(buf, off, len, level, work) : -1;
        byte[] out;
        if (n > 0) {
            out = Arrays.copyOf(work, n + 1);
            out[0] = ZSTD;
        } else {
            out = small ? new byte[len + 1] : work;
            out[0] = RAW;
            System.arraycopy(buf, off, out, 1, len);
        }
        if (!keys.encrypted()) {
            return out;
        }
        byte[] sealed = keys.seal(Arrays.copyOfRange(out, 1, out.length), id.bytes());
        byte[] blob = new byte[sealed.length + 1];
        blob[0] = out[0];
        System.arraycopy(sealed, 0, blob, 1, sealed.length);
        return blob;
    }

    /** zstd of the chunk into {@code out[1, len)}; -1 when it does not fit there (it would not get smaller). */
    private static int compress(byte[] buf, int off, int len, int level, byte[] out) {
        try {
            return COMPRESS.get().setLevel(level).compressByteArray(out, 1, len - 1, buf, off, len);
        } catch (ZstdException e) {
            if (e.getErrorCode() == Zstd.errDstSizeTooSmall()) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * The plaintext of a stored chunk, checked against {@code id}.
     *
     * @throws CorruptBackupException when it does not decode to {@code rawLength} bytes of that id
     */
    static byte[] decode(byte[] stored, int rawLength, ChunkId id, String pack, Keys keys) {
        return decode(stored, 0, stored.length, rawLength, id, pack, keys);
    }

    /** {@link #decode(byte[], int, ChunkId, String, Keys)} of the blob {@code stored[off, off + len)}. */
    static byte[] decode(byte[] stored, int off, int len, int rawLength, ChunkId id, String pack, Keys keys) {
        if (len < 1) {
            throw corrupt(id, pack, "it is empty", null);
        }
        return decode(stored[off], stored, off + 1, len - 1, rawLength, id, pack, keys);
    }

    /**
     * {@link #decode(byte[], int, ChunkId, String, Keys)} of a blob whose codec byte was read apart
     * from the rest, {@code payload[off, off + len)}; a whole payload stored as is becomes the
     * plaintext itself, no copy of a chunk is made.
     */
    static byte[] decode(
            byte codec, byte[] payload, int off, int len, int rawLength, ChunkId id, String pack, Keys keys) {
        if (storedAsIs(codec, keys) && off == 0 && len == payload.length) {
            check(payload, 0, len, rawLength, id, pack, keys);
            return payload;
        }
        byte[] plain = new byte[rawLength];
        decodeTo(codec, payload, off, len, rawLength, id, pack, keys, plain, 0);
        return plain;
    }

    /** Whether a blob of this codec holds the plaintext itself after its codec byte. */
    static boolean storedAsIs(byte codec, Keys keys) {
        return codec == RAW && !keys.encrypted();
    }

    /**
     * Checks that {@code plain[off, off + len)}, a payload {@link #storedAsIs stored as is}, is chunk
     * {@code id} of {@code rawLength} bytes.
     */
    static void check(byte[] plain, int off, int len, int rawLength, ChunkId id, String pack, Keys keys) {
        if (len != rawLength || !keys.id(plain, off, len).equals(id)) {
            throw corrupt(id, pack, "its content does not match its id", null);
        }
    }

    /**
     * Decodes a blob whose codec byte was read apart, {@code payload[off, off + len)}, into
     * {@code out[at, at + rawLength)} (a buffer the caller reuses), checked against {@code id}.
     */
    static void decodeTo(
            byte codec,
            byte[] payload,
            int off,
            int len,
            int rawLength,
            ChunkId id,
            String pack,
            Keys keys,
            byte[] out,
            int at) {
        try {
            byte[] body = payload;
            int from = off;
            int n = len;
            if (keys.encrypted()) {
                try {
                    body = keys.open(Arrays.copyOfRange(payload, off, off + len), id.bytes(), pack);
                } catch (CorruptBackupException e) {
                    throw corrupt(id, pack, "it does not authenticate", e);
                }
                from = 0;
                n = body.length;
            }
            if (codec == RAW) {
                if (n != rawLength) {
                    throw corrupt(id, pack, "its content does not match its id", null);
                }
                System.arraycopy(body, from, out, at, n);
            } else if (codec == ZSTD) {
                int got = DECOMPRESS.get().decompressByteArray(out, at, rawLength, body, from, n);
                if (got != rawLength) {
                    throw corrupt(id, pack, "it decompresses to " + got + " bytes, not " + rawLength, null);
                }
            } else {
                throw corrupt(id, pack, "its codec byte is " + codec, null);
            }
        } catch (ZstdException e) {
            throw corrupt(id, pack, "it does not decompress (" + e.getMessage() + ")", e);
        }
        check(out, at, rawLength, rawLength, id, pack, keys);
    }

    private static CorruptBackupException corrupt(ChunkId id, String pack, String what, Throwable cause) {
        return new CorruptBackupException(
                pack,
                "chunk " + id.hex() + " in " + pack + " is damaged: " + what
                        + "; the backups that use it cannot be restored from this storage, nothing was changed",
                cause);
    }
}
