package io.backupkit.backup.storage.s3;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One object write: bytes fill a part buffer; a full buffer starts (or continues) a multipart upload
 * and is uploaded on the storage's executor while the writer fills the next one. At most {@code
 * parallel_parts} buffers exist (filling or uploading), so memory is bounded by {@code part_size x
 * parallel_parts} (parts grow with the part number, see {@link #partSize(int)}). An object smaller
 * than one part is a single PutObject at {@link #commit()}. Each request is retried by the SDK; the
 * body of a part is replayed from its buffer.
 *
 * <p>{@link #close()} without commit, or any failure, waits for the parts in flight and aborts the
 * multipart upload: nothing becomes visible and no parts stay billed. Internal; not thread-safe (one
 * writer thread).
 */
final class S3ObjectWrite implements ObjectWrite {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectWrite.class);
    private static final int FIRST_BUFFER = 64 * 1024;
    /** Parts per size step: the part size doubles every this many parts. */
    static final int PARTS_PER_STEP = 1000;

    private enum State {
        OPEN,
        COMMITTED,
        ABORTED
    }

    private final S3Storage storage;
    private final S3Settings settings;
    private final String name;
    private final String key;
    private final Semaphore permits;
    private final Deque<byte[]> free = new ArrayDeque<>();
    private final Map<Integer, CompletedPart> parts = new ConcurrentSkipListMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final OutputStream stream = new PartStream();

    private byte[] buffer;
    private int length;
    private int buffersAllocated;
    private long total;
    private int nextPart = 1;
    private String uploadId;
    private volatile State state = State.OPEN;

    S3ObjectWrite(S3Storage storage, String name) {
        this.storage = storage;
        this.settings = storage.settings();
        this.name = name;
        this.key = storage.key(name);
        this.permits = new Semaphore(settings.parallelParts());
    }

    /**
     * The size of part {@code partNumber} (1-based): {@code part_size}, doubled every 1,000 parts, at
     * most 1 GiB. All parts but the last are at least {@code part_size}, so S3's 5 MiB minimum holds.
     */
    static long partSize(long base, int partNumber) {
        int step = (partNumber - 1) / PARTS_PER_STEP;
        long size = base;
        for (int i = 0; i < step && size < S3Settings.MAX_PART_SIZE; i++) {
            size *= 2;
        }
        return Math.max(base, Math.min(size, S3Settings.MAX_PART_SIZE));
    }

    /** The largest object 10,000 growing parts hold for {@code base}. */
    static long capacity(long base) {
        long sum = 0;
        for (int p = 1; p <= S3Settings.MAX_PARTS; p++) {
            sum += partSize(base, p);
        }
        return sum;
    }

    @Override
    public OutputStream stream() {
        return stream;
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
            long target = partSize(settings.partSize(), nextPart);
            if (buffer == null) {
                buffer = takeBuffer(target);
                length = 0;
            }
            if (length == buffer.length && buffer.length < target) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(target, (long) buffer.length * 2));
            }
            int n = (int) Math.min(len, Math.min(buffer.length, target) - length);
            System.arraycopy(b, off, buffer, length, n);
            length += n;
            total += n;
            off += n;
            len -= n;
            if (length == target) {
                submitPart();
                ensureWritable();
            }
        }
    }

    /** A buffer for the next part, blocking while {@code parallel_parts} buffers are in use. */
    private byte[] takeBuffer(long target) throws IOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a part upload of " + name);
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
        if (uploadId == null && nextPart == 1) {
            return new byte[(int) Math.min(target, FIRST_BUFFER)]; // grows: small objects stay small
        }
        return new byte[(int) target];
    }

    private void submitPart() {
        if (nextPart > S3Settings.MAX_PARTS) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    false,
                    "object " + name + " is larger than 10,000 parts hold ("
                            + S3ObjectWrite.capacity(settings.partSize())
                            + " bytes at backup_options.part_size " + S3Settings.human(settings.partSize())
                            + "); raise backup_options.part_size or set max_object_size",
                    null);
        }
        if (uploadId == null) {
            startUpload();
        }
        final byte[] data = buffer;
        final int size = length;
        final int partNumber = nextPart++;
        buffer = null;
        length = 0;
        try {
            storage.uploadExecutor().execute(() -> {
                try {
                    if (failure.get() == null && state == State.OPEN) {
                        uploadPart(partNumber, data, size);
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

    private void startUpload() {
        CreateMultipartUploadRequest.Builder req = CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .contentType("application/octet-stream");
        if (settings.storageClass() != null) {
            req.storageClass(settings.storageClass());
        }
        if (settings.sse() != null) {
            req.serverSideEncryption(settings.sse());
            if (settings.kmsKeyId() != null) {
                req.ssekmsKeyId(settings.kmsKeyId());
            }
        }
        if (!settings.checksumWhenRequired()) {
            req.checksumAlgorithm(ChecksumAlgorithm.CRC32);
        }
        try {
            uploadId = storage.client().createMultipartUpload(req.build()).uploadId();
            storage.signatureAccepted();
        } catch (RuntimeException e) {
            throw storage.errors().translate("start the upload of", name, e);
        }
        LOG.debug("started multipart upload {} of {}{}", uploadId, storage.describe(), name);
    }

    private void uploadPart(int partNumber, byte[] data, int size) {
        UploadPartRequest.Builder req = UploadPartRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .uploadId(uploadId)
                .partNumber(partNumber)
                .contentLength((long) size);
        if (!settings.checksumWhenRequired()) {
            req.checksumAlgorithm(ChecksumAlgorithm.CRC32);
        }
        RequestBody body = RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(data, 0, size), size, "application/octet-stream");
        UploadPartRequest request = req.build();
        UploadPartResponse response = resendingAlteredBodies(
                "part " + partNumber + " of " + name, () -> storage.client().uploadPart(request, body));
        parts.put(
                partNumber,
                CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(response.eTag())
                        .checksumCRC32(response.checksumCRC32())
                        .build());
        LOG.debug("uploaded part {} ({} bytes) of {}", partNumber, size, name);
    }

    /**
     * Runs an upload whose body is replayed from its buffer, sending it again when the store answers
     * that the bytes arrived altered (a bit flipped on the wire is refused by the store's checksum
     * or payload-signature check; the SDK does not retry these answers). At most {@code max_attempts}
     * sends; when every one is refused, a transient {@link UnableToStoreException} says so.
     */
    private <T> T resendingAlteredBodies(String what, Supplier<T> upload) {
        int max = Math.max(1, settings.maxAttempts());
        for (int attempt = 1; ; attempt++) {
            try {
                return upload.get();
            } catch (RuntimeException e) {
                if (!storage.bodyArrivedAltered(e)) {
                    throw e;
                }
                String code = S3Errors.code(e);
                if (attempt >= max) {
                    throw new UnableToStoreException(
                            storage.describe(),
                            name,
                            true,
                            "cannot store " + what + " in " + storage.describe() + ": the store refused its bytes "
                                    + attempt + " times as altered in transit (HTTP " + S3Errors.status(e) + " " + code
                                    + "); nothing was stored. Check the network path to the store (proxies, NICs)",
                            e);
                }
                LOG.warn(
                        "the store refused the bytes of {} as altered in transit ({}); sending them again ({} of {})",
                        what,
                        code,
                        attempt + 1,
                        max);
            }
        }
    }

    private void ensureWritable() {
        if (state != State.OPEN) {
            throw new IllegalStateException(
                    "the write of " + name + " is already " + state.name().toLowerCase());
        }
        Throwable t = failure.get();
        if (t != null) {
            UnableToStoreException e = storage.errors().translate("upload a part of", name, t);
            abort();
            throw e;
        }
    }

    @Override
    public StoredObject commit() throws IOException {
        ensureWritable();
        try {
            if (uploadId == null) {
                return putSmall();
            }
            if (length > 0) {
                submitPart();
            } else if (buffer != null) {
                releaseBuffer();
            }
            awaitParts();
            Throwable t = failure.get();
            if (t != null) {
                throw storage.errors().translate("upload a part of", name, t);
            }
            List<CompletedPart> done = new ArrayList<>(parts.values());
            if (done.size() != nextPart - 1) {
                throw new UnableToStoreException(
                        storage.describe(),
                        name,
                        true,
                        "cannot store " + name + ": " + (nextPart - 1 - done.size()) + " part(s) were not uploaded",
                        null);
            }
            CompleteMultipartUploadResponse response;
            try {
                response = storage.client()
                        .completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                                .bucket(settings.bucket())
                                .key(key)
                                .uploadId(uploadId)
                                .multipartUpload(CompletedMultipartUpload.builder()
                                        .parts(done)
                                        .build())
                                .build());
            } catch (RuntimeException e) {
                throw storage.errors().translate("complete the upload of", name, e);
            }
            state = State.COMMITTED;
            LOG.debug("committed {}{}: {} bytes in {} parts", storage.describe(), name, total, done.size());
            return new StoredObject(name, total, Instant.now(), response.eTag());
        } catch (RuntimeException | IOException e) {
            abort();
            throw e;
        }
    }

    private StoredObject putSmall() {
        PutObjectRequest.Builder req = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .contentType("application/octet-stream")
                .contentLength((long) length);
        if (settings.storageClass() != null) {
            req.storageClass(settings.storageClass());
        }
        if (settings.sse() != null) {
            req.serverSideEncryption(settings.sse());
            if (settings.kmsKeyId() != null) {
                req.ssekmsKeyId(settings.kmsKeyId());
            }
        }
        final byte[] data = buffer == null ? new byte[0] : buffer;
        final int size = length;
        PutObjectResponse response;
        try {
            PutObjectRequest request = req.build();
            RequestBody body = RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(data, 0, size), size, "application/octet-stream");
            response = resendingAlteredBodies(name, () -> storage.putSmall(request, body));
        } catch (RuntimeException e) {
            throw storage.errors().translate("store", name, e);
        }
        if (buffer != null) {
            releaseBuffer();
        }
        state = State.COMMITTED;
        LOG.debug("committed {}{}: {} bytes in one request", storage.describe(), name, total);
        return new StoredObject(name, total, Instant.now(), response.eTag());
    }

    private void releaseBuffer() {
        buffer = null;
        length = 0;
        permits.release();
    }

    /** Waits until no part upload is running. */
    private void awaitParts() throws InterruptedIOException {
        try {
            permits.acquire(settings.parallelParts());
            permits.release(settings.parallelParts());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the part uploads of " + name);
        }
    }

    @Override
    public void close() {
        if (state == State.OPEN) {
            abort();
        }
    }

    /** Stops the write: waits for parts in flight (new ones are skipped), then aborts the upload. */
    private void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        if (buffer != null) {
            releaseBuffer();
        }
        boolean interrupted = Thread.interrupted();
        permits.acquireUninterruptibly(settings.parallelParts());
        permits.release(settings.parallelParts());
        if (uploadId != null) {
            storage.abortQuietly(key, uploadId);
        }
        synchronized (free) {
            free.clear();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("aborted the write of {}{} after {} bytes", storage.describe(), name, total);
    }

    /** Part buffers allocated so far (tests: never more than {@code parallel_parts}). */
    int buffersAllocated() {
        return buffersAllocated;
    }

    /** The upload id, or {@code null} while the object fits one part (tests). */
    String uploadId() {
        return uploadId;
    }
}
