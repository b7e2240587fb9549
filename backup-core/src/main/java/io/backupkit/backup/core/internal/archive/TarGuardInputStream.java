package io.backupkit.backup.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Sits between the tar parser and the archive stream: counts the bytes, caps how much the parser may read
 * while parsing one header (PAX and long-name entries included, so a hostile header cannot exhaust memory),
 * and keeps the 512-byte record where the parser looks for the next header, so the caller can tell a real
 * end-of-archive marker from a stream that simply stopped, and the raw bytes of the last header (its PAX and
 * long-name records too), where names keep bytes the parser's strings lost. Skipping reads through, so every
 * byte is seen.
 * {@link #close()} does not close the archive stream (its owner does).
 */
final class TarGuardInputStream extends InputStream {
    static final int RECORD = 512;

    private final InputStream in;
    private long position;
    private long limit = Long.MAX_VALUE;
    private long recordStart = -1;
    /** The bytes read from {@code recordStart} on while the parser reads a header (at most its budget). */
    private byte[] header = new byte[4 * RECORD];

    private int headerFilled;
    private boolean inHeader;
    private final byte[] skipBuffer = new byte[8192];

    TarGuardInputStream(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    long position() {
        return position;
    }

    /**
     * The parser is about to look for the next header at the record boundary after the current position;
     * it may read at most {@code budget} bytes until {@link #endHeader()}.
     */
    void beginHeader(long budget) {
        recordStart = (position + RECORD - 1) / RECORD * RECORD;
        headerFilled = 0;
        inHeader = true;
        limit = recordStart + budget;
    }

    void endHeader() {
        limit = Long.MAX_VALUE;
        inHeader = false;
    }

    /** The raw bytes of the last header, from its first record to its entry's own header record. */
    byte[] headerBytes() {
        return java.util.Arrays.copyOf(header, headerFilled);
    }

    /** Whether the record at the header position arrived whole and is all zeros (an end-of-archive marker). */
    boolean headerRecordIsEndMarker() {
        if (headerFilled < RECORD) {
            return false;
        }
        for (int i = 0; i < RECORD; i++) {
            if (header[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (position >= limit) {
            throw new IOException(
                    "a tar header (with its PAX or long-name data) is larger than " + (limit - recordStart) + " bytes");
        }
        int want = (int) Math.min(len, limit - position);
        int n = in.read(b, off, want);
        if (n > 0) {
            capture(b, off, n);
            position += n;
        }
        return n;
    }

    private void capture(byte[] b, int off, int n) {
        if (!inHeader) {
            return;
        }
        long from = Math.max(position, recordStart + headerFilled);
        long to = position + n;
        if (from < to && from == recordStart + headerFilled) {
            int count = (int) (to - from);
            if (headerFilled + count > header.length) {
                header = java.util.Arrays.copyOf(header, Math.max(header.length * 2, headerFilled + count));
            }
            System.arraycopy(b, off + (int) (from - position), header, headerFilled, count);
            headerFilled += count;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n) {
            int r = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    /** Reads the archive stream to its end (so a digest computed over it is complete); returns the bytes read. */
    long drain(byte[] buffer) throws IOException {
        endHeader();
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            total += n;
            position += n;
        }
        return total;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() {
        // the owner of the archive stream closes it
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
