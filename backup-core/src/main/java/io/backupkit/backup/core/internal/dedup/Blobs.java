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

    private Blobs() {}

    /**
     * The stored form of chunk {@code id}, {@code buf[off, off + len)}, at zstd {@code level} (0:
     * stored as is); with {@code keys} encrypting, the bytes after the codec are sealed to the id.
     */
    static byte[] encode(byte[] buf, int off, int len, int level, ChunkId id, Keys keys) {
        byte[] out = null;
        if (level > 0) {
            out = new byte[1 + (int) Zstd.compressBound(len)];
            ZstdCompressCtx ctx = COMPRESS.get().setLevel(level);
            int n = ctx.compressByteArray(out, 1, out.length - 1, buf, off, len);
            out = n < len ? Arrays.copyOf(out, n + 1) : null;
            if (out != null) {
                out[0] = ZSTD;
            }
        }
        if (out == null) {
            out = new byte[len + 1];
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

    /**
     * The plaintext of a stored chunk, checked against {@code id}.
     *
     * @throws CorruptBackupException when it does not decode to {@code rawLength} bytes of that id
     */
    static byte[] decode(byte[] stored, int rawLength, ChunkId id, String pack, Keys keys) {
        byte[] plain;
        try {
            if (stored.length < 1) {
                throw corrupt(id, pack, "it is empty", null);
            }
            byte[] blob = stored;
            if (keys.encrypted()) {
                byte[] opened;
                try {
                    opened = keys.open(Arrays.copyOfRange(stored, 1, stored.length), id.bytes(), pack);
                } catch (CorruptBackupException e) {
                    throw corrupt(id, pack, "it does not authenticate", e);
                }
                blob = new byte[opened.length + 1];
                blob[0] = stored[0];
                System.arraycopy(opened, 0, blob, 1, opened.length);
            }
            if (blob[0] == RAW) {
                plain = Arrays.copyOfRange(blob, 1, blob.length);
            } else if (blob[0] == ZSTD) {
                plain = new byte[rawLength];
                int n = DECOMPRESS.get().decompressByteArray(plain, 0, rawLength, blob, 1, blob.length - 1);
                if (n != rawLength) {
                    throw corrupt(id, pack, "it decompresses to " + n + " bytes, not " + rawLength, null);
                }
            } else {
                throw corrupt(id, pack, "its codec byte is " + blob[0], null);
            }
        } catch (ZstdException e) {
            throw corrupt(id, pack, "it does not decompress (" + e.getMessage() + ")", e);
        }
        if (plain.length != rawLength || !keys.id(plain, 0, plain.length).equals(id)) {
            throw corrupt(id, pack, "its content does not match its id", null);
        }
        return plain;
    }

    private static CorruptBackupException corrupt(ChunkId id, String pack, String what, Throwable cause) {
        return new CorruptBackupException(
                pack,
                "chunk " + id.hex() + " in " + pack + " is damaged: " + what
                        + "; the backups that use it cannot be restored from this storage, nothing was changed",
                cause);
    }
}
