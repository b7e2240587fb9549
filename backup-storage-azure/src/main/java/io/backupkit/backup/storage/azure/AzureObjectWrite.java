package io.backupkit.backup.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object write: bytes fill a block buffer; a full buffer is staged (Put Block) on the storage's
 * executor while the writer fills the next one. At most {@code parallel_blocks} buffers exist, so
 * memory is bounded by {@code block_size x parallel_blocks} (blocks grow with their number, see
 * {@link #blockSize(int, int)}). {@link #commit()} publishes the block list (Put Block List); an
 * object smaller than one block is a single Put Blob. Each block carries its MD5, which the service
 * checks.
 *
 * <p>{@link #close()} without commit, or any failure, waits for the blocks in flight and deletes the
 * uncommitted blob unless a committed version of the name exists. Internal; one writer thread.
 */
final class AzureObjectWrite implements ObjectWrite {
    private static final Logger LOG = LoggerFactory.getLogger(AzureObjectWrite.class);
    private static final int FIRST_BUFFER = 64 * 1024;
    /** Azure's limit of blocks per blob. */
    static final int MAX_BLOCKS = 50_000;
    /** Blocks per size step: the block size doubles every this many blocks. */
    static final int BLOCKS_PER_STEP = 5_000;

    private enum State {
        OPEN,
        COMMITTED,
        ABORTED
    }

    private final AzureStorage storage;
    private final AzureSettings settings;
    private final String name;
    private final BlockBlobClient blob;
    private final String writeId = HexFormat.of().formatHex(randomBytes());
    private final Semaphore permits;
    private final Deque<byte[]> free = new ArrayDeque<>();
    private final List<String> blockIds = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final OutputStream stream = new BlockStream();

    private byte[] buffer;
    private int length;
    private int buffersAllocated;
    private long total;
    private volatile State state = State.OPEN;

    AzureObjectWrite(AzureStorage storage, String name) {
        this.storage = storage;
        this.settings = storage.settings();
        this.name = name;
        this.blob = storage.blockBlob(name);
        this.permits = new Semaphore(settings.parallelBlocks());
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** The size of block {@code index} (0-based): {@code base}, doubled every 5,000 blocks, at most 1 GiB. */
    static int blockSize(int base, int index) {
        long size = base;
        for (int step = index / BLOCKS_PER_STEP; step > 0 && size < AzureSettings.MAX_BLOCK_SIZE; step--) {
            size *= 2;
        }
        return (int) Math.min(size, Math.max(base, AzureSettings.MAX_BLOCK_SIZE));
    }

    /** Block ids of one blob must all have the same length; this write's id keeps them apart from others'. */
    private String blockId(int index) {
        String id = writeId + "-" + String.format("%06d", index);
        return Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    private final class BlockStream extends OutputStream {
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
            // blocks are staged as they fill; commit() publishes
        }

        @Override
        public void close() {
            // the write is finished by commit() or ObjectWrite.close()
        }
    }

    private void writeBytes(byte[] b, int off, int len) throws IOException {
        ensureWritable();
        while (len > 0) {
            int target = blockSize(settings.blockSize(), blockIds.size());
            if (buffer == null) {
                buffer = takeBuffer(target);
                length = 0;
            }
            if (length == buffer.length && buffer.length < target) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(target, (long) buffer.length * 2));
            }
            int n = Math.min(len, Math.min(buffer.length, target) - length);
            System.arraycopy(b, off, buffer, length, n);
            length += n;
            total += n;
            off += n;
            len -= n;
            if (length == target) {
                submitBlock();
                ensureWritable();
            }
        }
    }

    /** A buffer for the next block, blocking while {@code parallel_blocks} buffers are in use. */
    private byte[] takeBuffer(int target) throws IOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a block upload of " + name);
        }
        synchronized (free) {
            byte[] b;
            while ((b = free.poll()) != null) {
                if (b.length >= target) {
                    return b;
                }
            }
        }
        buffersAllocated++;
        if (blockIds.isEmpty()) {
            return new byte[Math.min(target, FIRST_BUFFER)]; // grows: small objects stay small
        }
        return new byte[target];
    }

    private void submitBlock() {
        if (blockIds.size() >= MAX_BLOCKS) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    false,
                    "object " + name + " is larger than Azure's 50,000 blocks hold at backup_options.block_size "
                            + settings.blockSize() + " bytes; raise backup_options.block_size",
                    null);
        }
        final byte[] data = buffer;
        final int size = length;
        final String id = blockId(blockIds.size());
        blockIds.add(id);
        buffer = null;
        length = 0;
        try {
            storage.uploadExecutor().execute(() -> {
                try {
                    if (failure.get() == null && state == State.OPEN) {
                        blob.stageBlockWithResponse(
                                new BlockBlobStageBlockOptions(
                                                id, BinaryData.fromByteBuffer(AzureStorage.slice(data, size)))
                                        .setContentMd5(md5(data, size)),
                                null,
                                Context.NONE);
                        LOG.debug("staged block {} ({} bytes) of {}", id, size, name);
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

    private static byte[] md5(byte[] data, int size) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(data, 0, size);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void ensureWritable() {
        if (state != State.OPEN) {
            throw new IllegalStateException(
                    "the write of " + name + " is already " + state.name().toLowerCase());
        }
        Throwable t = failure.get();
        if (t != null) {
            UnableToStoreException e = storage.errors().translate("stage a block of", name, t);
            abort();
            throw e;
        }
    }

    @Override
    public StoredObject commit() throws IOException {
        ensureWritable();
        try {
            if (blockIds.isEmpty()) {
                return putSmall();
            }
            if (length > 0) {
                submitBlock();
            } else if (buffer != null) {
                releaseBuffer();
            }
            awaitBlocks();
            Throwable t = failure.get();
            if (t != null) {
                throw storage.errors().translate("stage a block of", name, t);
            }
            BlockBlobItem item;
            try {
                item = blob.commitBlockListWithResponse(
                                new BlockBlobCommitBlockListOptions(List.copyOf(blockIds)), null, Context.NONE)
                        .getValue();
            } catch (RuntimeException e) {
                throw storage.errors().translate("commit the block list of", name, e);
            }
            state = State.COMMITTED;
            LOG.debug("committed {}{}: {} bytes in {} blocks", storage.describe(), name, total, blockIds.size());
            return stored(item);
        } catch (RuntimeException | IOException e) {
            abort();
            throw e;
        }
    }

    private StoredObject putSmall() {
        byte[] data = buffer == null ? new byte[0] : buffer;
        BlockBlobItem item;
        try {
            item = blob.uploadWithResponse(
                            new BlockBlobSimpleUploadOptions(
                                            BinaryData.fromByteBuffer(AzureStorage.slice(data, length)))
                                    .setContentMd5(md5(data, length)),
                            null,
                            Context.NONE)
                    .getValue();
        } catch (RuntimeException e) {
            throw storage.errors().translate("store", name, e);
        }
        if (buffer != null) {
            releaseBuffer();
        }
        state = State.COMMITTED;
        LOG.debug("committed {}{}: {} bytes in one request", storage.describe(), name, total);
        return stored(item);
    }

    private StoredObject stored(BlockBlobItem item) {
        Instant modified = item.getLastModified() == null
                ? Instant.now()
                : item.getLastModified().toInstant();
        return new StoredObject(name, total, modified, item.getETag());
    }

    private void releaseBuffer() {
        buffer = null;
        length = 0;
        permits.release();
    }

    /** Waits until no block upload is running. */
    private void awaitBlocks() throws InterruptedIOException {
        try {
            permits.acquire(settings.parallelBlocks());
            permits.release(settings.parallelBlocks());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the block uploads of " + name);
        }
    }

    @Override
    public void close() {
        if (state == State.OPEN) {
            abort();
        }
    }

    /** Stops the write: waits for blocks in flight (new ones are skipped), then discards what was staged. */
    private void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        if (buffer != null) {
            releaseBuffer();
        }
        boolean interrupted = Thread.interrupted();
        permits.acquireUninterruptibly(settings.parallelBlocks());
        permits.release(settings.parallelBlocks());
        if (!blockIds.isEmpty()) {
            storage.discardQuietly(name);
        }
        synchronized (free) {
            free.clear();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("aborted the write of {}{} after {} bytes", storage.describe(), name, total);
    }

    /** Block buffers allocated so far (tests: never more than {@code parallel_blocks}). */
    int buffersAllocated() {
        return buffersAllocated;
    }

    /** Blocks staged or in flight (tests). */
    int blocks() {
        return blockIds.size();
    }
}
