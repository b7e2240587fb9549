package io.backupkit.backup.storage.azure;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.spi.support.ObjectNames;
import io.backupkit.backup.spi.support.PartUploads;
import io.backupkit.backup.spi.support.ReadOffset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BackupStorage} in an Azure Blob Storage container, under a blob name prefix. Thread-safe.
 *
 * <p>Writes stage blocks ({@code block_size}, at most {@code parallel_blocks} buffered or in flight)
 * and publish with one Put Block List, the commit point; an object smaller than one block is a single
 * Put Blob at commit. Until the commit the blob has no committed version, so it is neither listed nor
 * readable. A write closed without commit deletes its uncommitted blob when no committed version of
 * that name exists; {@link #sweep} deletes uncommitted blobs left by killed processes.
 *
 * <p>{@link #createIfAbsent} is a Put Blob with {@code If-None-Match: *} and {@link
 * #deleteIfUnchanged} a Delete Blob with {@code If-Match: <ETag>}: both are atomic on the service.
 * Requests are retried by the SDK (408, 429, 5xx and I/O errors) with a bounded exponential backoff,
 * {@code max_attempts} tries in all; a refused key or a missing container fails at once.
 */
public final class AzureStorage implements BackupStorage {
    private static final Logger LOG = LoggerFactory.getLogger(AzureStorage.class);
    /** Keys a listing shows as objects: the characters {@link ObjectNames} allows. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private static final Pattern NAME_PREFIX = Pattern.compile("[A-Za-z0-9._-]*");
    private static final Duration TRY_TIMEOUT = Duration.ofMinutes(5);
    private static final int READ_CHUNK = 4 * 1024 * 1024;

    private final AzureSettings settings;
    private final BlobContainerClient container;
    private final AzureErrors errors;
    private final ExecutorService uploads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int listPageSize = 1000;

    AzureStorage(AzureSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.errors = new AzureErrors(settings);
        this.container = buildClient(settings);
        this.uploads = PartUploads.newExecutor("backupkit-azure-upload");
        LOG.debug("azure storage {}", settings);
    }

    private static BlobContainerClient buildClient(AzureSettings s) {
        HttpClient http = new JdkHttpClientBuilder()
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        RequestRetryOptions retry = new RequestRetryOptions(
                RetryPolicyType.EXPONENTIAL,
                s.maxAttempts(),
                TRY_TIMEOUT,
                Duration.ofMillis(200),
                Duration.ofSeconds(10),
                null);
        BlobServiceClientBuilder b = new BlobServiceClientBuilder()
                .endpoint(s.endpoint().toString())
                .httpClient(http)
                .retryOptions(retry);
        if (s.auth() == AzureSettings.Auth.SHARED_KEY) {
            b.credential(new StorageSharedKeyCredential(s.account(), s.secret().reveal()));
        } else {
            b.credential(new AzureSasCredential(s.secret().reveal()));
        }
        return b.buildClient().getBlobContainerClient(s.container());
    }

    /** Blobs per list page (tests force several pages). */
    void listPageSize(int size) {
        this.listPageSize = size;
    }

    AzureSettings settings() {
        return settings;
    }

    AzureErrors errors() {
        return errors;
    }

    ExecutorService uploadExecutor() {
        return uploads;
    }

    BlockBlobClient blockBlob(String name) {
        return container.getBlobClient(settings.prefix() + name).getBlockBlobClient();
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public ObjectWrite openWrite(String name) throws IOException {
        ObjectNames.check(name);
        ensureOpen();
        return new AzureObjectWrite(this, name);
    }

    @Override
    public InputStream openRead(String name, long offset) throws IOException {
        ObjectNames.check(name);
        ReadOffset.check(offset);
        ensureOpen();
        BlobProperties props = properties(name).orElseThrow(() -> new StoredObjectNotFoundException(describe(), name));
        if (offset >= props.getBlobSize()) {
            return InputStream.nullInputStream();
        }
        try {
            // chunked ranged GETs, all bound to this version's ETag: a replaced blob is never spliced in
            return blockBlob(name)
                    .openInputStream(new BlobInputStreamOptions()
                            .setRange(new BlobRange(offset))
                            .setBlockSize(READ_CHUNK)
                            .setRequestConditions(new BlobRequestConditions().setIfMatch(props.getETag())));
        } catch (RuntimeException e) {
            throw errors.translate("read", name, e);
        }
    }

    private Optional<BlobProperties> properties(String name) {
        try {
            return Optional.of(blockBlob(name).getProperties());
        } catch (RuntimeException e) {
            if (AzureErrors.isBlobNotFound(e)) {
                return Optional.empty();
            }
            throw errors.translate("stat", name, e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String name) throws IOException {
        ObjectNames.check(name);
        ensureOpen();
        return properties(name)
                .map(p -> new StoredObject(name, p.getBlobSize(), instant(p.getLastModified()), p.getETag()));
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        String p = prefix == null ? "" : prefix;
        if (!NAME_PREFIX.matcher(p).matches()) {
            throw new IllegalArgumentException("not a name prefix: " + p);
        }
        ensureOpen();
        List<StoredObject> result = new ArrayList<>();
        for (BlobItem item : items(p, false)) {
            String name = item.getName().substring(settings.prefix().length());
            result.add(new StoredObject(
                    name,
                    item.getProperties().getContentLength() == null
                            ? 0
                            : item.getProperties().getContentLength(),
                    instant(item.getProperties().getLastModified()),
                    item.getProperties().getETag()));
        }
        return result;
    }

    /** Blobs directly under the prefix whose names this storage could have written. */
    private List<BlobItem> items(String namePrefix, boolean uncommitted) {
        ListBlobsOptions options = new ListBlobsOptions()
                .setPrefix(settings.prefix() + namePrefix)
                .setMaxResultsPerPage(listPageSize)
                .setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(uncommitted));
        List<BlobItem> result = new ArrayList<>();
        try {
            for (PagedResponse<BlobItem> page :
                    container.listBlobsByHierarchy("/", options, null).iterableByPage()) {
                for (BlobItem item : page.getValue()) {
                    if (Boolean.TRUE.equals(item.isPrefix()) || !item.getName().startsWith(settings.prefix())) {
                        continue;
                    }
                    String name = item.getName().substring(settings.prefix().length());
                    if (NAME.matcher(name).matches()) {
                        result.add(item);
                    }
                }
            }
        } catch (RuntimeException e) {
            throw errors.translate("list", null, e);
        }
        return result;
    }

    @Override
    public void delete(String name) throws IOException {
        ObjectNames.check(name);
        ensureOpen();
        try {
            blockBlob(name).delete();
            LOG.debug("deleted {}{}", describe(), name);
        } catch (RuntimeException e) {
            if (!AzureErrors.isBlobNotFound(e)) {
                throw errors.translate("delete", name, e);
            }
        }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        ObjectNames.check(name);
        Objects.requireNonNull(content, "content");
        ensureOpen();
        try {
            blockBlob(name)
                    .uploadWithResponse(
                            new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content.clone()))
                                    .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                            null,
                            Context.NONE);
            LOG.debug("created {}{} (if absent)", describe(), name);
            return true;
        } catch (RuntimeException e) {
            int status = AzureErrors.status(e);
            if (status == 409 || status == 412) {
                return false; // BlobAlreadyExists / ConditionNotMet
            }
            throw errors.translate("create", name, e);
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
        try {
            blockBlob(object.name())
                    .deleteWithResponse(
                            null, new BlobRequestConditions().setIfMatch(object.version()), null, Context.NONE);
            LOG.debug("deleted {}{} at version {}", describe(), object.name(), object.version());
            return true;
        } catch (RuntimeException e) {
            if (AzureErrors.status(e) == 412 || AzureErrors.isBlobNotFound(e)) {
                return false;
            }
            throw errors.translate("delete", object.name(), e);
        }
    }

    /**
     * Deletes the uncommitted blocks under the names of blobs that have no committed version (what a
     * killed write leaves), once their last block is older than {@code olderThan}. A blob with a
     * committed version keeps its committed content; Azure drops stray uncommitted blocks of such a
     * blob after a week by itself.
     */
    @Override
    public List<String> sweep(Duration olderThan, Instant now, boolean dryRun) throws IOException {
        Objects.requireNonNull(olderThan, "olderThan");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        Instant cutoff = now.minus(olderThan);
        // all blobs first, then the committed ones: a blob committed in between counts as committed
        List<BlobItem> all = items("", true);
        Set<String> committed = new HashSet<>();
        for (BlobItem item : items("", false)) {
            committed.add(item.getName());
        }
        List<String> removed = new ArrayList<>();
        for (BlobItem item : all) {
            if (committed.contains(item.getName())) {
                continue;
            }
            String name = item.getName().substring(settings.prefix().length());
            OffsetDateTime modified = item.getProperties().getLastModified();
            boolean stale = modified == null
                    ? olderThan.isZero()
                    : !modified.toInstant().isAfter(cutoff);
            if (!stale) {
                continue;
            }
            String what = "uncommitted blocks of " + name + " (last staged " + modified + ")";
            if (!dryRun && !discardUncommitted(name)) {
                continue;
            }
            if (!dryRun) {
                LOG.info("sweep: deleted {} in {}", what, describe());
            }
            removed.add(what);
        }
        return removed;
    }

    /**
     * Deletes the blob {@code name} if it still has no committed version; false when it has one or is
     * gone. Conditional headers cannot guard this (the service evaluates them against the committed
     * version, which an uncommitted blob lacks), so a HEAD comes first; prune holds the lease, so no
     * write of this storage commits in between.
     */
    boolean discardUncommitted(String name) {
        if (properties(name).isPresent()) {
            return false;
        }
        try {
            container.getBlobClient(settings.prefix() + name).delete();
            return true;
        } catch (RuntimeException e) {
            if (AzureErrors.isBlobNotFound(e)) {
                return false;
            }
            throw errors.translate("delete the uncommitted blocks of", name, e);
        }
    }

    /**
     * After an aborted write that staged blocks: deletes them unless a committed version of {@code
     * name} exists (the object the write meant to replace, which stays). Never throws; what it cannot
     * delete, a sweep does.
     */
    void discardQuietly(String name) {
        try {
            if (discardUncommitted(name)) {
                LOG.debug("deleted the uncommitted blocks of {}{}", describe(), name);
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "cannot delete the uncommitted blocks of {} in {} ({}); a sweep (prune) removes them",
                    name,
                    describe(),
                    e.getMessage());
        }
    }

    static ByteBuffer slice(byte[] data, int length) {
        return ByteBuffer.wrap(data, 0, length).asReadOnlyBuffer();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? Instant.EPOCH : t.toInstant();
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new UnableToStoreException(describe(), null, false, "the storage " + describe() + " is closed", null);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            uploads.shutdown();
        }
    }

    @Override
    public String toString() {
        return "AzureStorage[" + describe() + "]";
    }
}
