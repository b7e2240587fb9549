package io.backupkit.backup.spi.support;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The upload pipeline of an object store that takes an object in parts (S3 multipart, Azure
 * blocks): bytes fill a part buffer; a full buffer is handed to the executor while the writer fills
 * the next one. At most {@code parallel} buffers exist (filling or uploading), so memory is bounded
 * by {@code parallel x} the largest part. An object smaller than one part is one {@link
 * Target#putWhole} at {@link #commit()}.
 *
 * <p>{@link #close()} without commit, or any failure, waits for the parts in flight (parts not yet
 * started are skipped) and then calls {@link Target#aborted}: nothing becomes visible. The store
 * says what a part, a commit and a discard are in its {@link Target}. One writer thread.
 */
public final class PartUploads implements ObjectWrite {
    private static final int FIRST_BUFFER = 64 * 1024;

    /** What one store does with the parts; all but {@link #uploadPart} run on the writer thread. */
    public interface Target {
        /** The size of part {@code index} (0-based); a full buffer of this size is a part. */
        int partSize(int index);

        /** Before part {@code index} is handed over: check the store's limits, start the upload. */
        void beforePart(int index);

        /** Uploads bytes {@code [0, size)} of {@code data} as part {@code index}, on an executor thread. */
        void uploadPart(int index, byte[] data, int size) throws Exception;

        /** The store's error for a part upload that failed with {@code failure}. */
        UnableToStoreException partFailed(Throwable failure);

        /** Publishes the {@code parts} uploaded parts, {@code total} bytes, as one object. */
        StoredObject complete(int parts, long total);

        /** Stores an object smaller than one part, bytes {@code [0, size)} of {@code data}, in one request. */
        StoredObject putWhole(byte[] data, int size);

        /**
         * The write was given up after {@code parts} parts were handed over (none in flight any
         * more): discard what they left. Must not throw.
         */
        void aborted(int parts, long total);
    }

    private enum State {
        OPEN,
        COMMITTED,
        ABORTED
    }

    private final Target target;
    private final Executor executor;
    private final String name;
    private final String noun;
    private final int parallel;
    private final Semaphore permits;
    private final Deque<byte[]> free = new ArrayDeque<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final OutputStream stream = new PartStream();

    private byte[] buffer;
    private int length;
    private int buffersAllocated;
    private long total;
    private int parts;
    private volatile State state = State.OPEN;

    /**
     * An executor for the part uploads of one storage: daemon threads named {@code threadPrefix-N},
     * made as needed and ended after 30 s idle; each write bounds its own parallelism.
     */
    public static ExecutorService newExecutor(String threadPrefix) {
        AtomicInteger threads = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadPrefix + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param name the object's name, for messages
     * @param noun what the store calls a part ("part", "block"), for messages
     * @param parallel how many part buffers may exist at once
     */
    public PartUploads(Target target, Executor executor, String name, String noun, int parallel) {
        this.target = Objects.requireNonNull(target, "target");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.name = Objects.requireNonNull(name, "name");
        this.noun = Objects.requireNonNull(noun, "noun");
        this.parallel = parallel;
        this.permits = new Semaphore(parallel);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    /** Parts handed over so far. */
    public int parts() {
        return parts;
    }

    /** Part buffers allocated so far (never more than {@code parallel}). */
    public int buffersAllocated() {
        return buffersAllocated;
    }

    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            writeBytes(b, off, len);
        }

        @Override
        public void flush() {
            // parts are uploaded as they fill; commit() publishes
        }

        @Override
        public void close() {
            // the write is finished by commit() or ObjectWrite.close()
        }
    }

    private void writeBytes(byte[] b, int off, int len) throws IOException {
        ensureWritable();
        while (len > 0) {
            int partSize = target.partSize(parts);
            if (buffer == null) {
                buffer = takeBuffer(partSize);
                length = 0;
            }
            if (length == buffer.length && buffer.length < partSize) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(partSize, (long) buffer.length * 2));
            }
            int n = Math.min(len, Math.min(buffer.length, partSize) - length);
            System.arraycopy(b, off, buffer, length, n);
            length += n;
            total += n;
            off += n;
            len -= n;
            if (length == partSize) {
                submitPart();
                ensureWritable();
            }
        }
    }

    /** A buffer for the next part, blocking while {@code parallel} buffers are in use. */
    private byte[] takeBuffer(int partSize) throws IOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a " + noun + " upload of " + name);
        }
        synchronized (free) {
            byte[] b;
            while ((b = free.poll()) != null) {
                if (b.length >= partSize) {
                    return b;
                }
            }
        }
        buffersAllocated++;
        if (parts == 0) {
            return new byte[Math.min(partSize, FIRST_BUFFER)]; // grows: small objects stay small
        }
        return new byte[partSize];
    }

    private void submitPart() {
        final int index = parts;
        target.beforePart(index);
        final byte[] data = buffer;
        final int size = length;
        parts++;
        buffer = null;
        length = 0;
        try {
            executor.execute(() -> {
                try {
                    if (failure.get() == null && state == State.OPEN) {
                        target.uploadPart(index, data, size);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    synchronized (free) {
                        free.push(data);
                    }
                    permits.release();
                }
            });
        } catch (RejectedExecutionException e) {
            permits.release();
            failure.compareAndSet(null, e);
        }
    }

    private void ensureWritable() {
        if (state != State.OPEN) {
            throw new IllegalStateException(
                    "the write of " + name + " is already " + state.name().toLowerCase());
        }
        Throwable t = failure.get();
        if (t != null) {
            UnableToStoreException e = target.partFailed(t);
            abort();
            throw e;
        }
    }

    @Override
    public StoredObject commit() throws IOException {
        ensureWritable();
        try {
            if (parts == 0) {
                return putWhole();
            }
            if (length > 0) {
                submitPart();
            } else if (buffer != null) {
                releaseBuffer();
            }
            awaitParts();
            Throwable t = failure.get();
            if (t != null) {
                throw target.partFailed(t);
            }
            StoredObject stored = target.complete(parts, total);
            state = State.COMMITTED;
            return stored;
        } catch (RuntimeException | IOException e) {
            abort();
            throw e;
        }
    }

    private StoredObject putWhole() {
        StoredObject stored = target.putWhole(buffer == null ? new byte[0] : buffer, length);
        if (buffer != null) {
            releaseBuffer();
        }
        state = State.COMMITTED;
        return stored;
    }

    private void releaseBuffer() {
        buffer = null;
        length = 0;
        permits.release();
    }

    /** Waits until no part upload is running. */
    private void awaitParts() throws InterruptedIOException {
        try {
            permits.acquire(parallel);
            permits.release(parallel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the " + noun + " uploads of " + name);
        }
    }

    @Override
    public void close() {
        if (state == State.OPEN) {
            abort();
        }
    }

    /** Stops the write: waits for parts in flight (new ones are skipped), then lets the store discard. */
    private void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        if (buffer != null) {
            releaseBuffer();
        }
        // an interrupt must not cut the wait short, nor the store's discard
        boolean interrupted = Thread.interrupted();
        permits.acquireUninterruptibly(parallel);
        permits.release(parallel);
        target.aborted(parts, total);
        synchronized (free) {
            free.clear();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
