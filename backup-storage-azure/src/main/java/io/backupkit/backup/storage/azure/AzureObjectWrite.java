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
import io.backupkit.backup.spi.support.PartUploads;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object write, in blocks through {@link PartUploads}: a full block buffer is staged (Put Block)
 * on the storage's executor while the writer fills the next one. At most {@code parallel_blocks}
 * buffers exist, so memory is bounded by {@code block_size x parallel_blocks} (blocks grow with their number, see
 * {@link #blockSize(int, int)}). {@link #commit()} publishes the block list (Put Block List); an
 * object smaller than one block is a single Put Blob. Each block carries its MD5, which the service
 * checks.
 *
 * <p>{@link #close()} without commit, or any failure, waits for the blocks in flight and deletes the
 * uncommitted blob unless a committed version of the name exists. Internal; one writer thread.
 */
final class AzureObjectWrite implements ObjectWrite, PartUploads.Target {
    private static final Logger LOG = LoggerFactory.getLogger(AzureObjectWrite.class);
    /** Azure's limit of blocks per blob. */
    static final int MAX_BLOCKS = 50_000;
    /** Blocks per size step: the block size doubles every this many blocks. */
    static final int BLOCKS_PER_STEP = 5_000;

    private final AzureStorage storage;
    private final AzureSettings settings;
    private final String name;
    private final BlockBlobClient blob;
    private final String writeId = HexFormat.of().formatHex(randomBytes());
    private final PartUploads uploads;

    AzureObjectWrite(AzureStorage storage, String name) {
        this.storage = storage;
        this.settings = storage.settings();
        this.name = name;
        this.blob = storage.blockBlob(name);
        this.uploads = new PartUploads(this, storage.uploadExecutor(), name, "block", settings.parallelBlocks());
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
        return uploads.stream();
    }

    @Override
    public StoredObject commit() throws IOException {
        return uploads.commit();
    }

    @Override
    public void close() {
        uploads.close();
    }

    @Override
    public int partSize(int index) {
        return blockSize(settings.blockSize(), index);
    }

    @Override
    public void beforePart(int index) {
        if (index >= MAX_BLOCKS) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    false,
                    "object " + name + " is larger than Azure's 50,000 blocks hold at backup_options.block_size "
                            + settings.blockSize() + " bytes; raise backup_options.block_size",
                    null);
        }
    }

    @Override
    public void uploadPart(int index, byte[] data, int size) {
        String id = blockId(index);
        blob.stageBlockWithResponse(
                new BlockBlobStageBlockOptions(id, BinaryData.fromByteBuffer(AzureStorage.slice(data, size)))
                        .setContentMd5(md5(data, size)),
                null,
                Context.NONE);
        LOG.debug("staged block {} ({} bytes) of {}", id, size, name);
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

    @Override
    public UnableToStoreException partFailed(Throwable failure) {
        return storage.errors().translate("stage a block of", name, failure);
    }

    @Override
    public StoredObject complete(int blocks, long total) {
        List<String> blockIds =
                IntStream.range(0, blocks).mapToObj(this::blockId).toList();
        BlockBlobItem item;
        try {
            item = blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds), null, Context.NONE)
                    .getValue();
        } catch (RuntimeException e) {
            throw storage.errors().translate("commit the block list of", name, e);
        }
        LOG.debug("committed {}{}: {} bytes in {} blocks", storage.describe(), name, total, blocks);
        return stored(item, total);
    }

    @Override
    public StoredObject putWhole(byte[] data, int size) {
        BlockBlobItem item;
        try {
            item = blob.uploadWithResponse(
                            new BlockBlobSimpleUploadOptions(BinaryData.fromByteBuffer(AzureStorage.slice(data, size)))
                                    .setContentMd5(md5(data, size)),
                            null,
                            Context.NONE)
                    .getValue();
        } catch (RuntimeException e) {
            throw storage.errors().translate("store", name, e);
        }
        LOG.debug("committed {}{}: {} bytes in one request", storage.describe(), name, size);
        return stored(item, size);
    }

    private StoredObject stored(BlockBlobItem item, long total) {
        Instant modified = item.getLastModified() == null
                ? Instant.now()
                : item.getLastModified().toInstant();
        return new StoredObject(name, total, modified, item.getETag());
    }

    /** Blocks in flight have ended (new ones were skipped): delete the uncommitted blob's blocks. */
    @Override
    public void aborted(int blocks, long total) {
        if (blocks > 0) {
            storage.discardQuietly(name);
        }
        LOG.debug("aborted the write of {}{} after {} bytes", storage.describe(), name, total);
    }

    /** Block buffers allocated so far (tests: never more than {@code parallel_blocks}). */
    int buffersAllocated() {
        return uploads.buffersAllocated();
    }

    /** Blocks staged or in flight (tests). */
    int blocks() {
        return uploads.parts();
    }
}
