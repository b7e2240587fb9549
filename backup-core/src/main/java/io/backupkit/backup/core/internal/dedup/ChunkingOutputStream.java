package io.backupkit.backup.core.internal.dedup;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Cuts what is written into content-defined chunks, stores each, and hands each chunk's id and
 * length to a {@link Sink} in order. Holds at most two maximum chunks in memory. {@link #close()}
 * cuts the rest (it does not close anything else).
 */
final class ChunkingOutputStream extends OutputStream {
    /** Receives the chunks of the stream, in order. */
    @FunctionalInterface
    interface Sink {
        void chunk(ChunkId id, int length) throws IOException;
    }

    private final FastCdc cdc;
    private final ChunkStore store;
    private final Sink sink;
    private final byte[] buf;
    private int start;
    private int end;
    private long total;
    private boolean closed;

    ChunkingOutputStream(FastCdc cdc, ChunkStore store, Sink sink) {
        this(cdc, store, sink, buffer(cdc));
    }

    /** With a buffer of {@link #buffer} to reuse (one stream at a time). */
    ChunkingOutputStream(FastCdc cdc, ChunkStore store, Sink sink, byte[] buf) {
        this.cdc = cdc;
        this.store = store;
        this.sink = sink;
        this.buf = buf;
    }

    static byte[] buffer(FastCdc cdc) {
        return new byte[Math.max(2 * cdc.max(), 1 << 20)];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the chunking stream is closed");
        }
        total += len;
        while (len > 0) {
            if (end == buf.length) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            int n = Math.min(len, buf.length - end);
            System.arraycopy(b, off, buf, end, n);
            end += n;
            off += n;
            len -= n;
            while (end - start >= cdc.max()) {
                emit(cdc.cut(buf, start, end - start));
            }
        }
    }

    private void emit(int n) throws IOException {
        ChunkId id = store.put(buf, start, n);
        sink.chunk(id, n);
        start += n;
    }

    /** Bytes written so far. */
    long total() {
        return total;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        while (end > start) {
            emit(cdc.cut(buf, start, end - start));
        }
    }
}
