package io.backupkit.backup.storage.s3;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.spi.support.PartUploads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
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
 * One object write, as a multipart upload through {@link PartUploads}: the first full part buffer
 * starts the upload, parts are uploaded on the storage's executor, at most {@code parallel_parts}
 * buffers exist, so memory is bounded by {@code part_size x parallel_parts} (parts grow with the part
 * number, see {@link #partSize(long, int)}). An object smaller than one part is a single PutObject at
 * {@link #commit()}. Each request is retried by the SDK; the body of a part is replayed from its
 * buffer.
 *
 * <p>{@link #close()} without commit, or any failure, waits for the parts in flight and aborts the
 * multipart upload: nothing becomes visible and no parts stay billed. Internal; not thread-safe (one
 * writer thread).
 */
final class S3ObjectWrite implements ObjectWrite, PartUploads.Target {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectWrite.class);
    /** Parts per size step: the part size doubles every this many parts. */
    static final int PARTS_PER_STEP = 1000;

    private final S3Storage storage;
    private final S3Settings settings;
    private final String name;
    private final String key;
    private final Map<Integer, CompletedPart> parts = new ConcurrentSkipListMap<>();
    private final PartUploads uploads;
    private String uploadId;

    S3ObjectWrite(S3Storage storage, String name) {
        this.storage = storage;
        this.settings = storage.settings();
        this.name = name;
        this.key = storage.key(name);
        this.uploads = new PartUploads(this, storage.uploadExecutor(), name, "part", settings.parallelParts());
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
        return (int) partSize(settings.partSize(), index + 1);
    }

    @Override
    public void beforePart(int index) {
        if (index >= S3Settings.MAX_PARTS) {
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
    }

    private void startUpload() {
        CreateMultipartUploadRequest.Builder req = CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .contentType("application/octet-stream");
        if (settings.storageClass() != null) {
            req.storageClass(settings.storageClass());
        }
        settings.applyEncryption(req::serverSideEncryption, req::ssekmsKeyId);
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

    @Override
    public void uploadPart(int index, byte[] data, int size) {
        int partNumber = index + 1;
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

    @Override
    public UnableToStoreException partFailed(Throwable failure) {
        return storage.errors().translate("upload a part of", name, failure);
    }

    @Override
    public StoredObject complete(int partCount, long total) {
        List<CompletedPart> done = new ArrayList<>(parts.values());
        if (done.size() != partCount) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    true,
                    "cannot store " + name + ": " + (partCount - done.size()) + " part(s) were not uploaded",
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
        LOG.debug("committed {}{}: {} bytes in {} parts", storage.describe(), name, total, done.size());
        return new StoredObject(name, total, Instant.now(), response.eTag());
    }

    @Override
    public StoredObject putWhole(byte[] data, int size) {
        PutObjectRequest.Builder req = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .contentType("application/octet-stream")
                .contentLength((long) size);
        if (settings.storageClass() != null) {
            req.storageClass(settings.storageClass());
        }
        settings.applyEncryption(req::serverSideEncryption, req::ssekmsKeyId);
        PutObjectResponse response;
        try {
            PutObjectRequest request = req.build();
            RequestBody body = RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(data, 0, size), size, "application/octet-stream");
            response = resendingAlteredBodies(name, () -> storage.putSmall(request, body));
        } catch (RuntimeException e) {
            throw storage.errors().translate("store", name, e);
        }
        LOG.debug("committed {}{}: {} bytes in one request", storage.describe(), name, size);
        return new StoredObject(name, size, Instant.now(), response.eTag());
    }

    /** Parts in flight have ended (new ones were skipped): abort the upload so no parts stay billed. */
    @Override
    public void aborted(int partCount, long total) {
        if (uploadId != null) {
            storage.abortQuietly(key, uploadId);
        }
        LOG.debug("aborted the write of {}{} after {} bytes", storage.describe(), name, total);
    }

    /** Part buffers allocated so far (tests: never more than {@code parallel_parts}). */
    int buffersAllocated() {
        return uploads.buffersAllocated();
    }

    /** The upload id, or {@code null} while the object fits one part (tests). */
    String uploadId() {
        return uploadId;
    }
}
