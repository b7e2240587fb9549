package io.backupkit.backup.storage.dropbox;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Dropbox's {@code content_hash}, computed while streaming: the content is split into 4 MiB blocks,
 * each block is hashed with SHA-256, the block digests are concatenated and that is hashed with
 * SHA-256 again; the result is written as lowercase hex. Not thread-safe.
 */
final class DropboxContentHasher {
    private final MessageDigest overall = sha256();
    private final MessageDigest block = sha256();
    private int blockFill;
    private String result;

    void update(byte[] bytes, int offset, int length) {
        if (result != null) {
            throw new IllegalStateException("hash already finished");
        }
        while (length > 0) {
            int n = Math.min(length, DropboxSettings.BLOCK_SIZE - blockFill);
            block.update(bytes, offset, n);
            blockFill += n;
            offset += n;
            length -= n;
            if (blockFill == DropboxSettings.BLOCK_SIZE) {
                overall.update(block.digest());
                blockFill = 0;
            }
        }
    }

    /** The hex content hash; further calls return the same value. */
    String finish() {
        if (result == null) {
            if (blockFill > 0) {
                overall.update(block.digest());
                blockFill = 0;
            }
            result = HexFormat.of().formatHex(overall.digest());
        }
        return result;
    }

    static String of(byte[] bytes) {
        DropboxContentHasher h = new DropboxContentHasher();
        h.update(bytes, 0, bytes.length);
        return h.finish();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
