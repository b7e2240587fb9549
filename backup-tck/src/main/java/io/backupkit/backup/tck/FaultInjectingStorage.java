package io.backupkit.backup.tck;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link BackupStorage} decorator that injects faults, for failure tests (an interrupted
 * create, a write failing midway, a storage failing after N bytes once, corrupted bytes, truncated
 * objects). Real storage underneath, no mocks: everything not injected goes to the
 * delegate unchanged.
 *
 * <pre>{@code
 * FaultInjectingStorage storage = new FaultInjectingStorage(new MemoryStorage("t3"))
 *         .onlyFor(name -> name.endsWith(".zst"))
 *         .failWriteAfter(1_000_000, false); // the next write fails once after 1 MB
 * }</pre>
 *
 * <p>Faults:
 *
 * <ul>
 *   <li>{@link #failWriteAfter(long, boolean)}: a write passes its first {@code n} bytes to the
 *       delegate, then its stream throws {@link InjectedFault} (an {@link IOException}); the write
 *       is left to the caller to {@link ObjectWrite#close() close}, which aborts the delegate's
 *       write. {@code once}: only the next write that reaches {@code n} bytes fails, later writes
 *       succeed (a transient fault); otherwise every write does (a permanent fault, disk full).
 *   <li>{@link #failCommit(boolean)}: {@link ObjectWrite#commit()} throws {@link InjectedFault}
 *       without committing (once or always), e.g. to interrupt a backup just before its manifest.
 *   <li>{@link #flipByteOnRead(long)}: reads return the byte at that absolute position of the
 *       object inverted (all bits flipped); the stored object is untouched, {@code stat} unchanged.
 *   <li>{@link #truncateReadsAt(long)}: reads end (clean end of stream, no error) at that
 *       absolute position, as if the object had been cut; {@code stat} still reports the full size.
 *   <li>{@link #failReadAfter(long)}: reads throw {@link InjectedFault} on reaching that absolute
 *       position, as a dropped connection during a download would.
 * </ul>
 *
 * <p>Faults apply to objects accepted by {@link #onlyFor(Predicate)} (default: all). Settings are
 * thread-safe and may change while the storage is in use; a write or read picks them up when it is
 * opened. {@link #clearFaults()} removes all. {@link #injectedFaults()} counts the faults thrown
 * (reads that were corrupted or truncated are counted too), so a test can check that its fault
 * really happened.
 */
public final class FaultInjectingStorage implements BackupStorage {
    private final BackupStorage delegate;
    private final AtomicInteger injected = new AtomicInteger();

    private volatile Predicate<String> names = name -> true;
    private volatile long failWriteAfter = -1;
    private volatile boolean failWriteAlways;
    private volatile int failCommit; // 0 none, 1 once, 2 always
    private volatile long flipAt = -1;
    private volatile long truncateAt = -1;
    private volatile long failReadAt = -1;

    /** Wraps {@code delegate}; no faults until one is configured. */
    public FaultInjectingStorage(BackupStorage delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The storage underneath, to check what really got stored. */
    public BackupStorage delegate() {
        return delegate;
    }

    /** Limits faults to objects whose name {@code filter} accepts. */
    public FaultInjectingStorage onlyFor(Predicate<String> filter) {
        this.names = Objects.requireNonNull(filter, "filter");
        return this;
    }

    /**
     * Makes writes fail with {@link InjectedFault} once {@code bytes} bytes have been written to
     * them ({@code 0}: on the first byte written).
     *
     * @param once true: only the next write that gets that far fails; false: every write does
     */
    public FaultInjectingStorage failWriteAfter(long bytes, boolean once) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
        this.failWriteAlways = !once;
        this.failWriteAfter = bytes;
        return this;
    }

    /** Makes {@link ObjectWrite#commit()} throw {@link InjectedFault} without committing. */
    public FaultInjectingStorage failCommit(boolean once) {
        this.failCommit = once ? 1 : 2;
        return this;
    }

    /** Reads return the byte at {@code position} (from the start of the object) inverted. */
    public FaultInjectingStorage flipByteOnRead(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
        this.flipAt = position;
        return this;
    }

    /** Reads end at {@code length} bytes from the start of the object. */
    public FaultInjectingStorage truncateReadsAt(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0: " + length);
        }
        this.truncateAt = length;
        return this;
    }

    /** Reads throw {@link InjectedFault} when they reach {@code position} (from the start of the object). */
    public FaultInjectingStorage failReadAfter(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
        this.failReadAt = position;
        return this;
    }

    /** Removes all faults (the object filter too). */
    public FaultInjectingStorage clearFaults() {
        names = name -> true;
        failWriteAfter = -1;
        failWriteAlways = false;
        failCommit = 0;
        flipAt = -1;
        truncateAt = -1;
        failReadAt = -1;
        return this;
    }

    /** How many faults were injected so far (thrown write and commit failures, altered reads). */
    public int injectedFaults() {
        return injected.get();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public ObjectWrite openWrite(String name) throws IOException {
        ObjectWrite write = delegate.openWrite(name);
        if (!names.test(name)) {
            return write;
        }
        return new FaultyWrite(name, write);
    }

    @Override
    public InputStream openRead(String name, long offset) throws IOException {
        InputStream in = delegate.openRead(name, offset);
        if (!names.test(name)) {
            return in;
        }
        long flip = flipAt;
        long truncate = truncateAt;
        long fail = failReadAt;
        if (flip < 0 && truncate < 0 && fail < 0) {
            return in;
        }
        return new FaultyRead(name, in, offset, flip, truncate, fail);
    }

    @Override
    public Optional<StoredObject> stat(String name) throws IOException {
        return delegate.stat(name);
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String name) throws IOException {
        delegate.delete(name);
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        return delegate.createIfAbsent(name, content);
    }

    @Override
    public boolean deleteIfUnchanged(StoredObject object) throws IOException {
        return delegate.deleteIfUnchanged(object);
    }

    @Override
    public List<String> sweep(Duration olderThan, Instant now, boolean dryRun) throws IOException {
        return delegate.sweep(olderThan, now, dryRun);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "FaultInjectingStorage[" + delegate.describe() + "]";
    }

    /** Consumes a pending write fault: the byte count after which the caller's write fails, or -1. */
    private synchronized long takeWriteFault() {
        long limit = failWriteAfter;
        if (limit >= 0 && !failWriteAlways) {
            failWriteAfter = -1;
        }
        return limit;
    }

    private synchronized boolean takeCommitFault() {
        int mode = failCommit;
        if (mode == 1) {
            failCommit = 0;
        }
        return mode != 0;
    }

    /** The {@link IOException} every injected write or commit failure throws. */
    public static final class InjectedFault extends IOException {
        private static final long serialVersionUID = 1L;

        public InjectedFault(String message) {
            super(message);
        }
    }

    private final class FaultyWrite implements ObjectWrite {
        private final String name;
        private final ObjectWrite write;
        private final OutputStream stream;
        private long written;
        private long limit = -1; // bytes after which this write fails, or -1

        FaultyWrite(String name, ObjectWrite write) {
            this.name = name;
            this.write = write;
            this.stream = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    check(1);
                    write.stream().write(b);
                    written++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    Objects.checkFromIndexSize(off, len, b.length);
                    int allowed = check(len);
                    write.stream().write(b, off, allowed);
                    written += allowed;
                    if (allowed < len) {
                        fail();
                    }
                }

                @Override
                public void flush() throws IOException {
                    write.stream().flush();
                }

                @Override
                public void close() throws IOException {
                    write.stream().close();
                }
            };
        }

        /** How many of {@code len} bytes may pass before the fault; throws when none may. */
        private int check(int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            long armed = failWriteAfter;
            if (limit < 0 && armed >= 0 && written + len > armed) {
                // the fault is armed and this write reaches it: this write takes it
                limit = takeWriteFault();
            }
            if (limit < 0 || written + len <= limit) {
                return len;
            }
            int allowed = (int) Math.max(0, limit - written);
            if (allowed == 0) {
                fail();
            }
            return allowed;
        }

        private void fail() throws InjectedFault {
            injected.incrementAndGet();
            throw new InjectedFault("injected fault: write of " + name + " failed after " + written + " bytes");
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public StoredObject commit() throws IOException {
            if (limit >= 0 && written >= limit) {
                // a failed write must not be committable
                throw new InjectedFault("injected fault: write of " + name + " already failed");
            }
            if (takeCommitFault()) {
                injected.incrementAndGet();
                throw new InjectedFault("injected fault: commit of " + name + " failed");
            }
            return write.commit();
        }

        @Override
        public void close() {
            write.close();
        }
    }

    private final class FaultyRead extends FilterInputStream {
        private final String name;
        private long position;
        private final long flip;
        private final long truncate;
        private final long fail;
        private boolean counted;

        FaultyRead(String name, InputStream in, long offset, long flip, long truncate, long fail) {
            super(in);
            this.name = name;
            this.position = offset;
            this.flip = flip;
            this.truncate = truncate;
            this.fail = fail;
        }

        /** How many of {@code len} bytes may be read before the read fault; throws at the fault. */
        private int allowed(int len) throws InjectedFault {
            if (fail < 0) {
                return len;
            }
            if (position >= fail) {
                count();
                throw new InjectedFault("injected fault: read of " + name + " failed at byte " + position);
            }
            return (int) Math.min(len, fail - position);
        }

        private void count() {
            if (!counted) {
                counted = true;
                injected.incrementAndGet();
            }
        }

        @Override
        public int read() throws IOException {
            if (truncate >= 0 && position >= truncate) {
                count();
                return -1;
            }
            allowed(1);
            int b = in.read();
            if (b < 0) {
                return b;
            }
            if (position == flip) {
                count();
                b = ~b & 0xff;
            }
            position++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int max = len;
            if (truncate >= 0) {
                if (position >= truncate) {
                    count();
                    return -1;
                }
                max = (int) Math.min(len, truncate - position);
            }
            max = allowed(max);
            int n = in.read(b, off, max);
            if (n <= 0) {
                return n;
            }
            if (flip >= position && flip < position + n) {
                count();
                int i = off + (int) (flip - position);
                b[i] = (byte) ~b[i];
            }
            position += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read through, so positions stay exact
            byte[] buffer = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return 0;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public synchronized void mark(int readlimit) {
            // not supported
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }
    }
}
