package io.backupkit.backup.storage.s3;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.spi.support.ObjectNames;
import io.backupkit.backup.spi.support.PartUploads;
import io.backupkit.backup.spi.support.ReadOffset;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BackupStorage} in an Amazon S3 bucket or an S3-compatible store (MinIO, Ceph, R2, Google
 * Cloud Storage, ...), under a key prefix. Thread-safe. Writes stream as multipart uploads with
 * bounded memory ({@code part_size x parallel_parts}); a write closed without commit aborts its
 * upload. The one thing to know: the lease's {@link #createIfAbsent} and {@link #deleteIfUnchanged}
 * are atomic only on stores that honour conditional requests ({@code If-None-Match}, {@code
 * If-Match}, or GCS's generation preconditions); a store that refuses the conditional delete gets a
 * non-atomic fallback and a warning logged once. Details: {@code docs/NOTES-PROVIDERS.md}.
 */
public final class S3Storage implements BackupStorage {
    // Long on purpose: each storage operation as S3 requests, sharing one client, retry and conditional-request rules.

    private static final Logger LOG = LoggerFactory.getLogger(S3Storage.class);
    /** Keys a listing shows as objects: the characters {@link ObjectNames} allows. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private static final Pattern NAME_PREFIX = Pattern.compile("[A-Za-z0-9._-]*");
    static final String GCS_IF_GENERATION_MATCH = "x-goog-if-generation-match";
    static final String GCS_GENERATION = "x-goog-generation";

    private final S3Settings settings;
    private final S3Client client;
    private final AwsCredentialsProvider credentials;
    private final S3Errors errors;
    private final ExecutorService uploads;
    private final Queue<PendingAbort> pendingAborts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean warnedConditionalDelete = new AtomicBoolean();
    private volatile int listPageSize = 1000;
    /** Set once the store accepted a signed request of this storage: the credentials are right. */
    private volatile boolean signatureAccepted;

    /** An abort that failed (store unreachable) and is retried later. */
    record PendingAbort(String key, String uploadId) {}

    S3Storage(S3Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.errors = new S3Errors(settings);
        this.credentials = credentials(settings);
        this.client = buildClient(settings, credentials);
        this.uploads = PartUploads.newExecutor("backupkit-s3-upload");
        LOG.debug("s3 storage {}", settings);
    }

    private static AwsCredentialsProvider credentials(S3Settings s) {
        if (s.accessKey() == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        if (s.sessionToken() != null) {
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    s.accessKey(), s.secretKey().reveal(), s.sessionToken().reveal()));
        }
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(s.accessKey(), s.secretKey().reveal()));
    }

    private static S3Client buildClient(S3Settings s, AwsCredentialsProvider credentials) {
        RetryStrategy retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(s.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(10)))
                .throttlingBackoffStrategy(
                        BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(20)))
                .build();
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(Math.max(16, s.parallelParts() * 4))
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .credentialsProvider(credentials)
                .forcePathStyle(s.pathStyle())
                .requestChecksumCalculation(
                        s.checksumWhenRequired()
                                ? RequestChecksumCalculation.WHEN_REQUIRED
                                : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(
                        s.checksumWhenRequired()
                                ? ResponseChecksumValidation.WHEN_REQUIRED
                                : ResponseChecksumValidation.WHEN_SUPPORTED)
                .overrideConfiguration(o -> o.retryStrategy(retry));
        String region = s.region();
        if (region == null) {
            region = environmentRegion();
        }
        if (region == null) {
            // no region anywhere: us-east-1, and let the SDK follow the bucket to its region
            b.region(Region.US_EAST_1);
            if (s.endpoint() == null) {
                b.crossRegionAccessEnabled(true);
            }
        } else {
            b.region(Region.of(region));
        }
        if (s.endpoint() != null) {
            b.endpointOverride(s.endpoint());
        }
        return b.build();
    }

    /** AWS_REGION / aws.region, then the profile file; no instance-metadata call. */
    private static String environmentRegion() {
        try {
            return new SystemSettingsRegionProvider().getRegion().id();
        } catch (RuntimeException e) {
            // not set
        }
        try {
            return new AwsProfileRegionProvider().getRegion().id();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Keys per list page (tests force several pages). */
    void listPageSize(int size) {
        this.listPageSize = size;
    }

    S3Settings settings() {
        return settings;
    }

    S3Client client() {
        return client;
    }

    S3Errors errors() {
        return errors;
    }

    ExecutorService uploadExecutor() {
        return uploads;
    }

    String key(String name) {
        return settings.prefix() + name;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public ObjectWrite openWrite(String name) throws IOException {
        ObjectNames.check(name);
        ensureOpen();
        retryPendingAborts();
        return new S3ObjectWrite(this, name);
    }

    @Override
    public InputStream openRead(String name, long offset) throws IOException {
        ObjectNames.check(name);
        ReadOffset.check(offset);
        ensureOpen();
        return new S3ReadStream(this, name, offset);
    }

    /** One GET from {@code offset}, optionally bound to an ETag; {@code null} when offset is at or past the end. */
    ResponseInputStream<GetObjectResponse> get(String name, long offset, String ifMatch) {
        GetObjectRequest.Builder req =
                GetObjectRequest.builder().bucket(settings.bucket()).key(key(name));
        if (offset > 0) {
            req.range("bytes=" + offset + "-");
        }
        if (ifMatch != null) {
            req.ifMatch(ifMatch);
        }
        try {
            return client.getObject(req.build());
        } catch (RuntimeException e) {
            if (S3Errors.status(e) == 416) {
                return null; // offset >= size
            }
            throw errors.translate("read", name, e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String name) throws IOException {
        ObjectNames.check(name);
        ensureOpen();
        try {
            HeadObjectResponse head = client.headObject(HeadObjectRequest.builder()
                    .bucket(settings.bucket())
                    .key(key(name))
                    .build());
            signatureAccepted = true;
            return Optional.of(new StoredObject(
                    name,
                    head.contentLength() == null ? 0 : head.contentLength(),
                    head.lastModified() == null ? Instant.EPOCH : head.lastModified(),
                    head.eTag()));
        } catch (RuntimeException e) {
            if (S3Errors.isNoSuchKey(e)) {
                return Optional.empty();
            }
            throw errors.translate("stat", name, e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        String p = prefix == null ? "" : prefix;
        if (!NAME_PREFIX.matcher(p).matches()) {
            throw new IllegalArgumentException("not a name prefix: " + p);
        }
        ensureOpen();
        retryPendingAborts();
        List<StoredObject> result = new ArrayList<>();
        try {
            ListObjectsV2Request req = ListObjectsV2Request.builder()
                    .bucket(settings.bucket())
                    .prefix(settings.prefix() + p)
                    .delimiter("/")
                    .maxKeys(listPageSize)
                    .build();
            for (var page : client.listObjectsV2Paginator(req)) {
                for (S3Object o : page.contents()) {
                    String name = o.key().substring(settings.prefix().length());
                    if (name.isEmpty() || !NAME.matcher(name).matches()) {
                        continue; // folder marker or a key this storage never writes
                    }
                    result.add(new StoredObject(
                            name,
                            o.size() == null ? 0 : o.size(),
                            o.lastModified() == null ? Instant.EPOCH : o.lastModified(),
                            o.eTag()));
                }
            }
        } catch (RuntimeException e) {
            throw errors.translate("list", null, e);
        }
        signatureAccepted = true;
        return result;
    }

    @Override
    public void delete(String name) throws IOException {
        ObjectNames.check(name);
        ensureOpen();
        try {
            client.deleteObject(DeleteObjectRequest.builder()
                    .bucket(settings.bucket())
                    .key(key(name))
                    .build());
            LOG.debug("deleted {}{}", describe(), name);
        } catch (RuntimeException e) {
            if (S3Errors.isNoSuchKey(e)) {
                return;
            }
            throw errors.translate("delete", name, e);
        }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        ObjectNames.check(name);
        Objects.requireNonNull(content, "content");
        ensureOpen();
        PutObjectRequest.Builder req = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(key(name))
                .contentType("application/octet-stream");
        if (settings.gcs()) {
            // GCS ignores If-None-Match on writes; generation 0 means "no live object"
            req.overrideConfiguration(c -> c.putHeader(GCS_IF_GENERATION_MATCH, "0"));
        } else {
            req.ifNoneMatch("*");
        }
        settings.applyEncryption(req::serverSideEncryption, req::ssekmsKeyId);
        PutObjectRequest request = req.build();
        for (int attempt = 1; ; attempt++) {
            try {
                client.putObject(request, RequestBody.fromBytes(content));
                signatureAccepted = true;
                LOG.debug("created {}{} (if absent)", describe(), name);
                return true;
            } catch (RuntimeException e) {
                int status = S3Errors.status(e);
                if (status == 412) {
                    return false; // exists
                }
                if (status == 409 && attempt < 3) {
                    // ConditionalRequestConflict: another conditional write on this key is in flight
                    sleep(100L * attempt);
                    continue;
                }
                if (status == 409) {
                    return false;
                }
                throw errors.translate("create", name, e);
            }
        }
    }

    @Override
    public boolean deleteIfUnchanged(StoredObject object) throws IOException {
        Objects.requireNonNull(object, "object");
        ObjectNames.check(object.name());
        ensureOpen();
        if (object.version() == null) {
            throw new IllegalArgumentException("object " + object.name() + " has no version (ETag) to compare");
        }
        if (settings.gcs()) {
            return deleteIfUnchangedGcs(object);
        }
        // A HEAD first: S3 answers a conditional delete of a missing key with 404, but some stores
        // (S3Proxy) with 204, which would read as "deleted".
        Optional<StoredObject> current = stat(object.name());
        if (current.isEmpty() || !object.version().equals(current.get().version())) {
            return false;
        }
        try {
            client.deleteObject(DeleteObjectRequest.builder()
                    .bucket(settings.bucket())
                    .key(key(object.name()))
                    .ifMatch(object.version())
                    .build());
            LOG.debug("deleted {}{} at version {}", describe(), object.name(), object.version());
            return true;
        } catch (RuntimeException e) {
            int status = S3Errors.status(e);
            if (status == 412 || S3Errors.isNoSuchKey(e)) {
                return false;
            }
            if (status == 501 || "NotImplemented".equals(S3Errors.code(e))) {
                return deleteIfUnchangedFallback(object);
            }
            throw errors.translate("delete", object.name(), e);
        }
    }

    /**
     * GCS ignores If-Match on DELETE: a HEAD gives the ETag to compare and the object's generation,
     * and the DELETE is bound to that generation ({@code x-goog-if-generation-match}), so an object
     * recreated in between is never deleted.
     */
    private boolean deleteIfUnchangedGcs(StoredObject object) throws IOException {
        HeadObjectResponse head;
        try {
            head = client.headObject(HeadObjectRequest.builder()
                    .bucket(settings.bucket())
                    .key(key(object.name()))
                    .build());
        } catch (RuntimeException e) {
            if (S3Errors.isNoSuchKey(e)) {
                return false;
            }
            throw errors.translate("stat", object.name(), e);
        }
        if (!object.version().equals(head.eTag())) {
            return false;
        }
        Optional<String> generation = head.sdkHttpResponse().firstMatchingHeader(GCS_GENERATION);
        if (generation.isEmpty()) {
            return deleteIfUnchangedFallback(object);
        }
        try {
            client.deleteObject(DeleteObjectRequest.builder()
                    .bucket(settings.bucket())
                    .key(key(object.name()))
                    .overrideConfiguration(c -> c.putHeader(GCS_IF_GENERATION_MATCH, generation.get()))
                    .build());
            LOG.debug("deleted {}{} at generation {}", describe(), object.name(), generation.get());
            return true;
        } catch (RuntimeException e) {
            if (S3Errors.status(e) == 412 || S3Errors.isNoSuchKey(e)) {
                return false;
            }
            throw errors.translate("delete", object.name(), e);
        }
    }

    /** For stores without conditional deletes: HEAD, compare the ETag, DELETE. Not atomic. */
    private boolean deleteIfUnchangedFallback(StoredObject object) throws IOException {
        if (warnedConditionalDelete.compareAndSet(false, true)) {
            LOG.warn(
                    "{} does not support conditional deletes (If-Match); taking over a stale lease uses"
                            + " HEAD + DELETE, which is not atomic",
                    describe());
        }
        Optional<StoredObject> now = stat(object.name());
        if (now.isEmpty() || !object.version().equals(now.get().version())) {
            return false;
        }
        delete(object.name());
        return true;
    }

    @Override
    public List<String> sweep(Duration olderThan, Instant now, boolean dryRun) throws IOException {
        Objects.requireNonNull(olderThan, "olderThan");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        retryPendingAborts();
        Instant cutoff = now.minus(olderThan);
        List<String> removed = new ArrayList<>();
        try {
            ListMultipartUploadsRequest req = ListMultipartUploadsRequest.builder()
                    .bucket(settings.bucket())
                    .prefix(settings.prefix())
                    .maxUploads(listPageSize)
                    .build();
            for (var page : client.listMultipartUploadsPaginator(req)) {
                for (MultipartUpload u : page.uploads()) {
                    if (u.key() == null || !u.key().startsWith(settings.prefix())) {
                        continue;
                    }
                    String name = u.key().substring(settings.prefix().length());
                    if (!NAME.matcher(name).matches()) {
                        continue; // below a deeper "folder": another storage's
                    }
                    Instant initiated = u.initiated();
                    boolean stale = initiated == null ? olderThan.isZero() : !initiated.isAfter(cutoff);
                    if (!stale) {
                        continue;
                    }
                    String what = "incomplete multipart upload of " + name + " (upload id " + u.uploadId()
                            + ", started " + initiated + ")";
                    if (!dryRun) {
                        abortUpload(u.key(), u.uploadId());
                        LOG.info("sweep: aborted {} in {}", what, describe());
                    }
                    removed.add(what);
                }
            }
        } catch (RuntimeException e) {
            throw errors.translate("sweep multipart uploads", null, e);
        }
        return removed;
    }

    /** Aborts an upload; throws when the store cannot be reached (after the SDK's retries). */
    void abortUpload(String key, String uploadId) {
        try {
            client.abortMultipartUpload(AbortMultipartUploadRequest.builder()
                    .bucket(settings.bucket())
                    .key(key)
                    .uploadId(uploadId)
                    .build());
        } catch (RuntimeException e) {
            if ("NoSuchUpload".equals(S3Errors.code(e)) || S3Errors.status(e) == 404) {
                return; // already gone
            }
            throw e;
        }
    }

    /** Aborts an upload, never throwing; a failed abort is queued and retried later. */
    void abortQuietly(String key, String uploadId) {
        try {
            abortUpload(key, uploadId);
            LOG.debug("aborted multipart upload {} of {}", uploadId, key);
        } catch (RuntimeException e) {
            pendingAborts.add(new PendingAbort(key, uploadId));
            LOG.warn(
                    "cannot abort the multipart upload {} of {} in bucket {} ({}); it is retried on the next"
                            + " call, and a sweep removes it",
                    uploadId,
                    key,
                    settings.bucket(),
                    errors.translate("abort upload", null, e).getMessage());
        }
    }

    /** Retries aborts that failed earlier; the ones still failing stay queued. */
    void retryPendingAborts() {
        int n = pendingAborts.size();
        for (int i = 0; i < n; i++) {
            PendingAbort p = pendingAborts.poll();
            if (p == null) {
                return;
            }
            try {
                abortUpload(p.key(), p.uploadId());
                LOG.info("aborted the left-over multipart upload {} of {}", p.uploadId(), p.key());
            } catch (RuntimeException e) {
                pendingAborts.add(p);
                LOG.debug(
                        "abort of {} still failing: {}",
                        p.uploadId(),
                        e.getClass().getSimpleName());
                return; // store still unreachable: try again later
            }
        }
    }

    /** Aborts that could not reach the store yet. */
    List<PendingAbort> pendingAborts() {
        return List.copyOf(pendingAborts);
    }

    PutObjectResponse putSmall(PutObjectRequest request, RequestBody body) {
        PutObjectResponse response = client.putObject(request, body);
        signatureAccepted = true;
        return response;
    }

    /** Records that the store accepted a signed request (e.g. the start of a multipart upload). */
    void signatureAccepted() {
        signatureAccepted = true;
    }

    /**
     * Whether the store's answer to a request with a body says the bytes arrived altered: a checksum
     * mismatch ({@code BadDigest}, {@code InvalidDigest}, {@code XAmzContentSHA256Mismatch}), or a
     * {@code SignatureDoesNotMatch} once the store has accepted this storage's signature before (over
     * plain HTTP the SDK signs the payload, so an altered byte breaks the signature; with wrong
     * credentials no request is ever accepted and this stays false).
     */
    boolean bodyArrivedAltered(Throwable e) {
        String code = S3Errors.code(e);
        return switch (code) {
            case "BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch" -> true;
            case "SignatureDoesNotMatch" -> signatureAccepted;
            default -> false;
        };
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new UnableToStoreException(describe(), null, false, "the storage " + describe() + " is closed", null);
        }
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            retryPendingAborts();
            if (!pendingAborts.isEmpty()) {
                LOG.warn(
                        "{} multipart upload(s) in {} could not be aborted; run a sweep to remove them",
                        pendingAborts.size(),
                        describe());
            }
        } finally {
            uploads.shutdown();
            client.close();
            if (credentials instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing the credentials provider failed", e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "S3Storage[" + describe() + "]";
    }
}
