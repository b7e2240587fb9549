package io.backupkit.backup.core.internal.pipeline;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Computes the SHA-256 and length of what passes through, the stored bytes of an artifact. Closing
 * it does not close the target.
 */
public final class HashingOutputStream extends FilterOutputStream {
    private final Sha256 sha = new Sha256();
    private long count;

    public HashingOutputStream(OutputStream target) {
        super(target);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        sha.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sha.update(b, off, len);
        count += len;
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }

    public long count() {
        return count;
    }

    /** The digest in lowercase hex; call once, after the last write. */
    public String sha256() {
        return sha.hex();
    }
}
