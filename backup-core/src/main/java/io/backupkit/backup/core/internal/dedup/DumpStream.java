package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.spi.BackupStorage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A dump read from its chunks in order, each checked against its id as it is decoded. Two threads
 * fetch and decode ahead, a few spans of packs at a time (each span at most {@link #SPAN} bytes
 * stored and plain), so storage latency and zstd overlap the reader while memory stays bounded.
 * A damaged chunk fails the read and is kept as {@link #failure()}; {@link #whole()} says that every
 * chunk was read and was whole.
 */
public final class DumpStream extends InputStream {
    static final int SPAN = 2 << 20;
    static final int AHEAD = 3;
    /** Chunks further apart in a pack start a new span (their gap is not read). */
    private static final long GAP = 64 << 10;

    private final BackupStorage storage;
    private final ChunkIndex index;
    private final List<CorruptBackupException> damagedIndexes;
    private final Keys keys;
    private final DumpChunks chunks;
    private final String backup;
    private final ExecutorService pool;
    private final ArrayDeque<Future<byte[][]>> ahead = new ArrayDeque<>();
    /**
     * Buffers of {@link #SPAN} bytes for a span's stored bytes, used again: a restore reads hundreds
     * of spans, and a new one each time would be a humongous allocation at a small heap. One per
     * thread of the pool is made; the plaintext of the (small) chunks is not pooled.
     */
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

    private int scheduled;
    private byte[][] current = new byte[0][];
    private int chunk;
    private int pos;
    private boolean closed;
    private volatile boolean whole;
    private volatile CorruptBackupException failure;

    DumpStream(BackupStorage storage, Repository.LoadedIndex loaded, DumpChunks chunks, String backup) {
        this.storage = storage;
        this.index = loaded.index();
        this.damagedIndexes = loaded.damaged();
        this.keys = loaded.keys();
        this.chunks = chunks;
        this.backup = backup;
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "backup-restore-dump-chunks");
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    /** Whether every chunk was read to the end and was whole. */
    public boolean whole() {
        return whole;
    }

    /** The damage a read ran into. */
    public Optional<CorruptBackupException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
        if (closed) {
            throw new IOException("the dump stream of backup " + backup + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        while (chunk >= current.length || pos == current[chunk].length) {
            if (chunk < current.length) {
                current[chunk++] = null;
                pos = 0;
            } else if (ahead.isEmpty()) {
                whole = true;
                pool.shutdown(); // nothing left to fetch; a dumper may keep the stream open
                return -1;
            } else {
                current = next();
                chunk = 0;
                pos = 0;
            }
        }
        byte[] c = current[chunk];
        int n = Math.min(len, c.length - pos);
        System.arraycopy(c, pos, b, off, n);
        pos += n;
        return n;
    }

    private byte[][] next() throws IOException {
        Future<byte[][]> f = ahead.poll();
        try {
            byte[][] got = f.get();
            fill();
            return got;
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof CorruptBackupException damaged) {
                failure = damaged;
            }
            if (e.getCause() instanceof BackupException b) {
                throw new IOException(b.getMessage(), b);
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("reading the dump of backup " + backup + " was interrupted");
        }
    }

    /** Hands the next spans to the pool until {@link #AHEAD} are in flight. */
    private void fill() {
        while (ahead.size() < AHEAD && scheduled < chunks.count()) {
            int from = scheduled;
            int to = spanEnd(from);
            scheduled = to;
            ahead.add(pool.submit(() -> fetch(from, to)));
        }
    }

    /** The end of the span from chunk {@code from}: the chunks that follow it closely in the same pack. */
    private int spanEnd(int from) {
        Optional<Location> first = chunks.find(index, from);
        int to = from + 1;
        if (first.isEmpty()) {
            return to; // fetch reports it
        }
        long start = first.get().offset();
        long end = start + first.get().length();
        long plain = chunks.length(from);
        while (to < chunks.count()) {
            Location next = chunks.find(index, to).orElse(null);
            if (next == null
                    || !next.pack().equals(first.get().pack())
                    || next.offset() < end
                    || next.offset() - end > GAP
                    || next.offset() + next.length() - start > SPAN
                    || plain + chunks.length(to) > SPAN) {
                break;
            }
            end = next.offset() + next.length();
            plain += chunks.length(to);
            to++;
        }
        return to;
    }

    /** Reads chunks {@code [from, to)} (one span of one pack) and decodes each, checked against its id. */
    private byte[][] fetch(int from, int to) throws IOException {
        ChunkRef firstRef = chunks.get(from);
        Location first = ChunkReader.locate(index, firstRef, damagedIndexes, backup);
        Location last = ChunkReader.locate(index, chunks.get(to - 1), damagedIndexes, backup);
        int length = Math.toIntExact(last.offset() + last.length() - first.offset());
        byte[] stored = length > SPAN ? new byte[length] : free.poll();
        if (stored == null) {
            stored = new byte[SPAN];
        }
        try {
            try (InputStream in = ChunkReader.openPack(storage, first, backup)) {
                if (in.readNBytes(stored, 0, length) != length) {
                    throw ChunkReader.truncated(last, chunks.get(to - 1), backup, new EOFException());
                }
            }
            byte[][] plain = new byte[to - from][];
            for (int i = from; i < to; i++) {
                ChunkRef ref = chunks.get(i);
                Location where = ChunkReader.locate(index, ref, damagedIndexes, backup);
                int at = (int) (where.offset() - first.offset());
                plain[i - from] = Blobs.decode(stored, at, where.length(), ref.length(), ref.id(), where.pack(), keys);
            }
            return plain;
        } finally {
            if (stored.length == SPAN && !closed) {
                free.offer(stored);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ahead.forEach(f -> f.cancel(true));
            ahead.clear();
            pool.shutdownNow();
            current = new byte[0][];
            free.clear();
        }
    }
}
