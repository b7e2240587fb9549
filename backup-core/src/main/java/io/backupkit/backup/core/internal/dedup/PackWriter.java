package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Appends blobs to pack objects of about {@link #TARGET} bytes and remembers where each chunk went. A
 * pack is never held in memory: a thread of its own streams it into the storage, so chunking goes on
 * while a pack is written and while a full one is committed; at most {@link #IN_FLIGHT} packs are
 * open at once and at most {@link #QUEUED} bytes (or one larger blob) being encoded or handed over and
 * not yet written: room is taken before a blob is made, so encoding the next chunk waits for it too.
 * A pack becomes visible when it is full or at {@link #finish}, ending in a {@link PackTrailer table}
 * of its chunks; {@link #abort} leaves only committed packs, which the caller deletes.
 */
final class PackWriter {
    static final long TARGET = 16L << 20;
    static final int IN_FLIGHT = 2;
    static final int QUEUED = 2 << 20;
    private static final byte[] END = new byte[0];
    private static final byte[] ABORT = new byte[0];

    private final BackupStorage storage;
    private final Keys keys;
    private final List<IndexFile.Entry> written = new ArrayList<>();
    private final List<String> committed = new ArrayList<>();
    private final ArrayDeque<Pack> inFlight = new ArrayDeque<>();
    /** Bytes of blobs handed over and not yet written, across the packs in flight. */
    private final Semaphore room = new Semaphore(QUEUED);

    private Pack current;
    private long bytes;

    /** One pack: its blobs on the way to the storage and where each chunk lies in it. */
    private final class Pack {
        final String name = Repository.newPackName();
        final BlockingQueue<byte[]> blobs = new LinkedBlockingQueue<>();
        final List<IndexFile.Entry> entries = new ArrayList<>();
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        volatile RuntimeException failing;
        long offset;

        void start() {
            Thread t = new Thread(this::upload, "backup-dedup-pack-upload");
            t.setDaemon(true);
            t.start();
        }

        void checkUpload() throws IOException {
            if (failing instanceof UncheckedIOException io) {
                throw io.getCause(); // the upload failed: no use chunking the rest of the pack
            } else if (failing != null) {
                throw failing;
            }
        }

        void take(int bytes) throws InterruptedIOException {
            try {
                room.acquire(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("writing pack " + name + " was interrupted");
            }
        }

        /** Writes the queued blobs; true when committed. A failure still takes every blob, so a put never waits forever. */
        private void upload() {
            ObjectWrite write = null;
            RuntimeException failed = null;
            long length = 0;
            boolean commit = false;
            try {
                while (true) {
                    byte[] blob = blobs.take();
                    if (blob == END || blob == ABORT) {
                        commit = blob == END;
                        break;
                    }
                    if (failed == null) {
                        try {
                            if (write == null) {
                                write = storage.openWrite(name);
                            }
                            write.stream().write(blob);
                            length += blob.length;
                        } catch (IOException e) {
                            failed = new UncheckedIOException(e);
                        } catch (RuntimeException e) {
                            failed = e;
                        }
                        failing = failed;
                    }
                    room.release(Math.min(blob.length, QUEUED)); // once written: a blob in the write counts
                }
                if (failed == null && commit) {
                    if (write == null) {
                        write = storage.openWrite(name);
                    }
                    byte[] trailer = PackTrailer.encode(name, entries, keys); // all entries are in: END came after them
                    write.stream().write(trailer);
                    length += trailer.length;
                    StoredObject stored = write.commit();
                    if (stored.size() != length) {
                        throw new UnableToStoreException(
                                storage.describe(),
                                name,
                                "storage reports " + stored.size() + " bytes for " + name + " but " + length
                                        + " were written",
                                null);
                    }
                }
            } catch (InterruptedException e) {
                failed = new UncheckedIOException(
                        new InterruptedIOException("writing pack " + name + " was interrupted"));
            } catch (IOException e) {
                failed = new UncheckedIOException(e);
            } catch (RuntimeException e) {
                failed = e;
            } finally {
                if (write != null) {
                    write.close();
                }
            }
            if (failed != null) {
                done.completeExceptionally(failed);
            } else {
                done.complete(commit);
            }
        }

        /** Waits for the upload; true when the pack was committed. */
        boolean join() throws IOException {
            try {
                return done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
    }

    PackWriter(BackupStorage storage, Keys keys) {
        this.storage = storage;
        this.keys = keys;
    }

    /** Makes a chunk's blob, once there is room for it. */
    @FunctionalInterface
    interface Encoder {
        byte[] encode();
    }

    synchronized void add(ChunkId id, byte[] blob, int rawLength) throws IOException {
        add(id, rawLength, () -> blob);
    }

    /** Adds the blob of chunk {@code id}; {@code encode} runs when room for a blob of its size is taken. */
    synchronized void add(ChunkId id, int rawLength, Encoder encode) throws IOException {
        if (current == null) {
            while (inFlight.size() >= IN_FLIGHT) {
                collect(inFlight.poll());
            }
            current = new Pack();
            current.start();
        }
        current.checkUpload();
        int taken = Math.min(rawLength + 1, QUEUED); // a blob is the chunk and a codec byte, at most
        current.take(taken);
        byte[] blob;
        try {
            blob = encode.encode();
            int counted = Math.min(blob.length, QUEUED); // what the upload releases once it is written
            if (counted > taken) {
                current.take(counted - taken); // sealed: a few bytes more
            } else {
                room.release(taken - counted);
            }
        } catch (IOException | RuntimeException e) {
            room.release(taken);
            throw e;
        }
        current.blobs.add(blob);
        current.entries.add(
                new IndexFile.Entry(id, new Location(current.name, current.offset, blob.length, rawLength)));
        current.offset += blob.length;
        bytes += blob.length;
        if (current.offset >= TARGET) {
            current.blobs.add(END);
            inFlight.add(current);
            current = null;
        }
    }

    private void collect(Pack pack) throws IOException {
        if (pack.join()) {
            committed.add(pack.name);
            written.addAll(pack.entries);
        }
    }

    /** Commits the last pack and waits for all; returns the entries of every chunk written. */
    synchronized List<IndexFile.Entry> finish() throws IOException {
        if (current != null) {
            current.blobs.add(END);
            inFlight.add(current);
            current = null;
        }
        IOException failed = null;
        while (!inFlight.isEmpty()) {
            try {
                collect(inFlight.poll());
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return List.copyOf(written);
    }

    /** Aborts the open pack and waits for those being committed; the committed ones stay for the caller to delete. */
    synchronized void abort() {
        if (current != null) {
            current.blobs.add(ABORT);
            inFlight.add(current);
            current = null;
        }
        while (!inFlight.isEmpty()) {
            try {
                collect(inFlight.poll());
            } catch (IOException | RuntimeException e) {
                // the pack is not committed: nothing to delete
            }
        }
    }

    synchronized List<String> committedPacks() {
        return List.copyOf(committed);
    }

    /** Bytes of blobs written. */
    synchronized long bytes() {
        return bytes;
    }
}
