package io.backupkit.backup.core.internal.dedup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Cuts what is written into content-defined chunks, stores each, and hands each chunk's id and
 * length to a {@link Sink} in order. Holds one maximum chunk and a quarter more in memory (what
 * is left after a cut moves to the front when the buffer is full). {@link #close()} cuts the rest
 * (it does not close anything else).
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
        // a cut needs max bytes in one piece; the rest is room to fill before moving them to the front
        return new byte[cdc.max() + Math.max(cdc.max() / 4, 256 << 10)];
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
            makeRoom();
            int n = Math.min(len, buf.length - end);
            System.arraycopy(b, off, buf, end, n);
            off += n;
            len -= n;
            filled(n);
        }
    }

    /** Reads once from {@code ch} straight into the buffer (no copy); the count read, -1 at its end. */
    int readFrom(ReadableByteChannel ch) throws IOException {
        if (closed) {
            throw new IOException("the chunking stream is closed");
        }
        makeRoom();
        int n = ch.read(ByteBuffer.wrap(buf, end, buf.length - end));
        if (n > 0) {
            total += n;
            filled(n);
        }
        return n;
    }

    private void makeRoom() {
        if (end == buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
    }

    private void filled(int n) throws IOException {
        end += n;
        while (end - start >= cdc.max()) {
            emit(cdc.cut(buf, start, end - start));
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
