package io.backupkit.backup.storage.dropbox;

import com.dropbox.core.BadResponseCodeException;
import com.dropbox.core.DbxApiException;
import com.dropbox.core.DbxDownloader;
import com.dropbox.core.DbxRequestConfig;
import com.dropbox.core.http.HttpRequestor;
import com.dropbox.core.http.StandardHttpRequestor;
import com.dropbox.core.oauth.DbxCredential;
import com.dropbox.core.v2.DbxClientV2;
import com.dropbox.core.v2.files.CommitInfo;
import com.dropbox.core.v2.files.DeleteErrorException;
import com.dropbox.core.v2.files.DownloadErrorException;
import com.dropbox.core.v2.files.FileMetadata;
import com.dropbox.core.v2.files.GetMetadataErrorException;
import com.dropbox.core.v2.files.ListFolderErrorException;
import com.dropbox.core.v2.files.ListFolderResult;
import com.dropbox.core.v2.files.LookupError;
import com.dropbox.core.v2.files.Metadata;
import com.dropbox.core.v2.files.UploadErrorException;
import com.dropbox.core.v2.files.UploadSessionAppendErrorException;
import com.dropbox.core.v2.files.UploadSessionCursor;
import com.dropbox.core.v2.files.UploadSessionFinishErrorException;
import com.dropbox.core.v2.files.UploadSessionLookupError;
import com.dropbox.core.v2.files.WriteError;
import com.dropbox.core.v2.files.WriteMode;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.spi.support.ReadOffset;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BackupStorage} in a Dropbox folder, on the official Dropbox Java SDK. Thread-safe.
 *
 * <p><b>Writes</b> are streams of unknown length with bounded memory: one write buffers at most one
 * chunk ({@link DropboxSettings#chunkSize()}, 8 MiB by default). An object smaller than one chunk
 * goes up in a single {@code /upload} at {@link ObjectWrite#commit()}; a larger one opens an upload
 * session ({@code upload_session/start}, then {@code append_v2} per chunk) and the session is
 * finished only at commit, with the last chunk, in overwrite mode: nothing is visible under the
 * object's name before that. Each chunk is kept until Dropbox acknowledged it, so it can be resent;
 * on {@code incorrect_offset} the upload resumes at the offset Dropbox reports. After the finish the
 * file's {@code content_hash} is compared with the Dropbox content hash of the bytes sent (computed
 * while streaming); a mismatch deletes the file and fails the commit.
 *
 * <p>A {@code close()} without commit, or a failure, abandons the upload session: Dropbox has no
 * call to cancel one; an unfinished session is invisible, uses no quota, and Dropbox discards it
 * after 7 days (so {@link #sweep} has nothing to remove).
 *
 * <p><b>Lease</b>: {@link #createIfAbsent} uploads in {@code add} mode without autorename and with
 * {@code strict_conflict}, so Dropbox refuses it atomically when the file exists (even with
 * identical content). {@link #deleteIfUnchanged} is {@code delete_v2} with {@code parent_rev} = the
 * object's {@link StoredObject#version()} (its {@code rev}).
 *
 * <p>Dropbox paths are case-insensitive: names that differ only in case are the same object.
 */
public final class DropboxStorage implements BackupStorage {
    // Long on purpose: every operation shares one call wrapper, one retry rule and one path rule of the Dropbox API.

    private static final Logger LOG = LoggerFactory.getLogger(DropboxStorage.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String CLIENT_ID = "backupkit/0.1";
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final DropboxSettings settings;
    private final DbxClientV2 client;
    private final DropboxCalls calls;
    private final String description;

    /** A storage that talks to Dropbox with the JDK's HTTP client. */
    public DropboxStorage(DropboxSettings settings) {
        this(settings, StandardHttpRequestor.INSTANCE);
    }

    /**
     * A storage whose HTTP goes through {@code requestor}: a proxy, custom TLS, or (in tests) a
     * requestor that sends the SDK's {@code https://api.dropboxapi.com} and {@code
     * content.dropboxapi.com} requests to a local fake. The SDK's own retries are off: this class
     * retries by itself.
     */
    public DropboxStorage(DropboxSettings settings, HttpRequestor requestor) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(requestor, "requestor");
        DbxRequestConfig config = DbxRequestConfig.newBuilder(CLIENT_ID)
                .withHttpRequestor(requestor)
                .withAutoRetryDisabled()
                .build();
        this.client = new DbxClientV2(config, credential(settings));
        this.description = "dropbox:" + (settings.folder().isEmpty() ? "/" : settings.folder());
        this.calls = new DropboxCalls(client, settings, description);
    }

    private static DbxCredential credential(DropboxSettings s) {
        if (s.refreshToken() == null) {
            return new DbxCredential(s.accessToken().reveal());
        }
        // without an access token: "expired" (0) so the SDK refreshes before the first call; with one:
        // used until Dropbox says it expired, then refreshed
        String access = s.accessToken() == null ? "" : s.accessToken().reveal();
        long expiresAt = s.accessToken() == null ? 0L : Long.MAX_VALUE;
        return new DbxCredential(
                access,
                expiresAt,
                s.refreshToken().reveal(),
                s.appKey(),
                s.appSecret() == null ? null : s.appSecret().reveal());
    }

    /** The settings this storage was made from. */
    public DropboxSettings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return description;
    }

    private String path(String name) {
        checkName(name);
        return settings.folder() + "/" + name;
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(
                    "invalid object name '" + name + "': names are [A-Za-z0-9._-]+ without slashes");
        }
    }

    @Override
    public ObjectWrite openWrite(String name) {
        return new Write(name, path(name));
    }

    @Override
    public InputStream openRead(String name, long offset) throws IOException {
        ReadOffset.check(offset);
        String path = path(name);
        Optional<Download> first = download(name, path, null, offset);
        if (first.isEmpty()) {
            // the range starts at or after the end: nothing to read, if the object exists
            StoredObject object = stat(name).orElseThrow(() -> new StoredObjectNotFoundException(description, name));
            if (offset > object.size()) {
                throw new UnableToStoreException(
                        description,
                        name,
                        "cannot read " + name + " from offset " + offset + ": it has only " + object.size() + " bytes",
                        null);
            }
            return InputStream.nullInputStream();
        }
        return new ResumingDownload(name, path, offset, first.get());
    }

    /** One download response; empty when Dropbox answered 416 (the range starts past the end). */
    private Optional<Download> download(String name, String path, String rev, long offset) {
        try {
            return calls.execute("download", name, attempt -> {
                // a resumed download names the revision it started with ("rev:<rev>" paths are Dropbox's way)
                var builder = client.files().downloadBuilder(rev == null ? path : "rev:" + rev);
                DbxDownloader<FileMetadata> downloader;
                try {
                    downloader = offset > 0 ? builder.range(offset).start() : builder.start();
                } catch (BadResponseCodeException e) {
                    if (e.getStatusCode() == 416) {
                        return Optional.<Download>empty();
                    }
                    throw e;
                }
                return Optional.of(new Download(downloader, downloader.getResult()));
            });
        } catch (DownloadErrorException e) {
            if (e.errorValue.isPath() && e.errorValue.getPathValue().isNotFound()) {
                throw new StoredObjectNotFoundException(description, name);
            }
            throw lookupFailure("download", name, e.errorValue.isPath() ? e.errorValue.getPathValue() : null, e);
        } catch (DbxApiException e) {
            throw calls.permanent("download", name, e.getMessage(), e);
        }
    }

    private record Download(DbxDownloader<FileMetadata> downloader, FileMetadata metadata) {}

    @Override
    public Optional<StoredObject> stat(String name) {
        return metadata(name, path(name)).map(DropboxStorage::toStoredObject);
    }

    @Override
    public List<StoredObject> list(String prefix) {
        String p = prefix == null ? "" : prefix;
        List<StoredObject> out = new ArrayList<>();
        try {
            ListFolderResult page = calls.execute("list", null, attempt -> client.files()
                    .listFolderBuilder(settings.folder())
                    .withRecursive(false)
                    .start());
            while (true) {
                for (Metadata md : page.getEntries()) {
                    if (md instanceof FileMetadata f && f.getName().startsWith(p)) {
                        out.add(toStoredObject(f));
                    }
                }
                if (!page.getHasMore()) {
                    return out;
                }
                String cursor = page.getCursor();
                page = calls.execute("list", null, attempt -> client.files().listFolderContinue(cursor));
            }
        } catch (ListFolderErrorException e) {
            if (e.errorValue.isPath() && e.errorValue.getPathValue().isNotFound()) {
                return List.of(); // the folder does not exist yet: nothing stored
            }
            throw lookupFailure("list", null, e.errorValue.isPath() ? e.errorValue.getPathValue() : null, e);
        } catch (DbxApiException e) {
            throw calls.permanent("list", null, e.getMessage(), e);
        }
    }

    @Override
    public void delete(String name) {
        String path = path(name);
        try {
            calls.execute("delete", name, attempt -> client.files().deleteV2(path));
        } catch (DeleteErrorException e) {
            if (e.errorValue.isPathLookup() && e.errorValue.getPathLookupValue().isNotFound()) {
                return;
            }
            throw deleteFailure("delete", name, e);
        } catch (DbxApiException e) {
            throw calls.permanent("delete", name, e.getMessage(), e);
        }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) {
        Objects.requireNonNull(content, "content");
        String path = path(name);
        String hash = DropboxContentHasher.of(content);
        boolean[] ambiguous = {false};
        try {
            calls.execute("create", name, attempt -> {
                ambiguous[0] = attempt > 1;
                return client.files()
                        .uploadBuilder(path)
                        .withMode(WriteMode.ADD)
                        .withAutorename(false)
                        .withStrictConflict(true)
                        .withMute(true)
                        .uploadAndFinish(new ByteArrayInputStream(content), content.length);
            });
            return true;
        } catch (UploadErrorException e) {
            WriteError reason =
                    e.errorValue.isPath() ? e.errorValue.getPathValue().getReason() : null;
            if (reason != null && reason.isConflict()) {
                if (ambiguous[0]) {
                    // an earlier attempt may have created it before its response was lost: the lease content is
                    // unique to its writer, so the same content hash means that attempt was ours
                    Optional<FileMetadata> existing = metadata(name, path);
                    return existing.isPresent() && hash.equals(existing.get().getContentHash());
                }
                return false;
            }
            throw writeFailure("create", name, reason, e);
        } catch (DbxApiException e) {
            throw calls.permanent("create", name, e.getMessage(), e);
        }
    }

    @Override
    public boolean deleteIfUnchanged(StoredObject object) {
        Objects.requireNonNull(object, "object");
        String path = path(object.name());
        if (object.version() == null) {
            return false;
        }
        boolean[] ambiguous = {false};
        try {
            calls.execute("delete", object.name(), attempt -> {
                ambiguous[0] = attempt > 1;
                return client.files().deleteV2(path, object.version());
            });
            return true;
        } catch (DeleteErrorException e) {
            if (e.errorValue.isPathLookup() && e.errorValue.getPathLookupValue().isNotFound()) {
                // gone: deleted by an earlier attempt of ours whose response was lost, or by someone else
                return ambiguous[0];
            }
            if (e.errorValue.isPathWrite() && e.errorValue.getPathWriteValue().isConflict()) {
                return false; // another version now: not ours to delete
            }
            throw deleteFailure("delete", object.name(), e);
        } catch (DbxApiException e) {
            throw calls.permanent("delete", object.name(), e.getMessage(), e);
        }
    }

    /**
     * Nothing to remove: an interrupted write leaves only an unfinished upload session, which is
     * invisible, uses no quota, cannot be listed or cancelled through the API, and is discarded by
     * Dropbox after 7 days. No temporary files are ever written under the folder.
     */
    @Override
    public List<String> sweep(Duration olderThan, Instant now, boolean dryRun) {
        return List.of();
    }

    private Optional<FileMetadata> metadata(String name, String path) {
        try {
            Metadata md = calls.execute("stat", name, attempt -> client.files().getMetadata(path));
            return md instanceof FileMetadata f ? Optional.of(f) : Optional.empty();
        } catch (GetMetadataErrorException e) {
            if (e.errorValue.isPath() && e.errorValue.getPathValue().isNotFound()) {
                return Optional.empty();
            }
            throw lookupFailure("stat", name, e.errorValue.isPath() ? e.errorValue.getPathValue() : null, e);
        } catch (DbxApiException e) {
            throw calls.permanent("stat", name, e.getMessage(), e);
        }
    }

    private static StoredObject toStoredObject(FileMetadata f) {
        return new StoredObject(f.getName(), f.getSize(), f.getServerModified().toInstant(), f.getRev());
    }

    // ---------------------------------------------------------------------------------------------
    // error mapping

    private UnableToStoreException writeFailure(String action, String name, WriteError reason, Exception e) {
        if (reason == null) {
            return calls.permanent(action, name, e.getMessage(), e);
        }
        String target = settings.folder().isEmpty() ? "/" : settings.folder();
        if (reason.isInsufficientSpace()) {
            return new DropboxQuotaExceededException(
                    description,
                    name,
                    "the Dropbox account is full (insufficient_space) while trying to " + action + " " + name + " in "
                            + description + ": free space in the account, prune old backups, or upgrade the plan;"
                            + " nothing was published",
                    e);
        }
        if (reason.isMalformedPath() || reason.isDisallowedName()) {
            String tag = reason.isMalformedPath() ? "malformed_path" : "disallowed_name";
            return new DropboxPathException(
                    description,
                    name,
                    tag,
                    "Dropbox refused the path " + target + "/" + name + " (" + tag + "): use a plain"
                            + " Dropbox folder path such as /backups (for an app with App-folder access it is relative"
                            + " to /Apps/<app name>)",
                    e);
        }
        if (reason.isNoWritePermission() || reason.isTeamFolder() || reason.isAccessRestricted()) {
            String tag = reason.tag().name().toLowerCase(Locale.ROOT);
            return new DropboxPathException(
                    description,
                    name,
                    tag,
                    "Dropbox does not let this app write to " + target + " (" + tag + "): the path is outside the"
                            + " app's folder or a read-only/shared folder; use a folder the app may"
                            + " write to (an app with App-folder access writes only inside /Apps/<app name>, and"
                            + " the storage location is relative to it)",
                    e);
        }
        if (reason.isConflict()) {
            return new DropboxPathException(
                    description,
                    name,
                    "conflict",
                    "Dropbox cannot write " + target + "/" + name + ": a folder (or a file in place of a parent"
                            + " folder) is in the way; move it or choose another storage location",
                    e);
        }
        if (reason.isTooManyWriteOperations()) {
            return new UnableToStoreException(
                    description,
                    name,
                    true,
                    "Dropbox is busy with other writes in this account (too_many_write_operations): retry later",
                    e);
        }
        return calls.permanent(action, name, reason.tag().name().toLowerCase(Locale.ROOT), e);
    }

    private UnableToStoreException lookupFailure(String action, String name, LookupError error, Exception e) {
        if (error != null && error.isMalformedPath()) {
            String target = settings.folder().isEmpty() ? "/" : settings.folder();
            return new DropboxPathException(
                    description,
                    name,
                    "malformed_path",
                    "Dropbox refused the path " + target + " (malformed_path): use a plain Dropbox"
                            + " folder path such as /backups",
                    e);
        }
        if (error != null && (error.isNotFolder() || error.isNotFile())) {
            return new DropboxPathException(
                    description,
                    name,
                    error.isNotFolder() ? "not_folder" : "not_file",
                    "Dropbox path " + description + (name == null ? "" : "/" + name)
                            + " is not what was expected (a file where a folder should be, or the reverse): choose"
                            + " another storage location",
                    e);
        }
        return calls.permanent(
                action,
                name,
                error == null ? e.getMessage() : error.tag().name().toLowerCase(Locale.ROOT),
                e);
    }

    private UnableToStoreException deleteFailure(String action, String name, DeleteErrorException e) {
        if (e.errorValue.isPathWrite()) {
            return writeFailure(action, name, e.errorValue.getPathWriteValue(), e);
        }
        if (e.errorValue.isPathLookup()) {
            return lookupFailure(action, name, e.errorValue.getPathLookupValue(), e);
        }
        return calls.permanent(action, name, e.getMessage(), e);
    }

    // ---------------------------------------------------------------------------------------------
    // writes

    /** One object write: buffers a chunk, appends full chunks to an upload session, finishes at commit. */
    private final class Write implements ObjectWrite {
        private final String name;
        private final String path;
        private final DropboxContentHasher hasher = new DropboxContentHasher();
        private final OutputStream stream = new ChunkStream();
        private byte[] buffer = new byte[Math.min(INITIAL_BUFFER, settings.chunkSize())];
        private int filled;
        private long written;
        private String sessionId;
        /** Bytes Dropbox acknowledged in the session (the offset of the next append). */
        private long acknowledged;

        private boolean committed;
        private boolean closed;
        private UnableToStoreException failure;

        Write(String name, String path) {
            this.name = name;
            this.path = path;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        private final class ChunkStream extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                ensureWritable();
                while (len > 0) {
                    if (filled == settings.chunkSize()) {
                        sendChunk(); // only once more data arrives: the last chunk goes with the finish
                    }
                    if (filled == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, settings.chunkSize()));
                    }
                    int n = Math.min(len, buffer.length - filled);
                    System.arraycopy(b, off, buffer, filled, n);
                    hasher.update(b, off, n);
                    filled += n;
                    written += n;
                    off += n;
                    len -= n;
                }
            }

            @Override
            public void close() {
                // the owner commits or closes the write; closing the stream does neither
            }
        }

        private void ensureWritable() throws IOException {
            if (committed) {
                throw new IOException("write of " + name + " is already committed");
            }
            if (closed) {
                throw new IOException("write of " + name + " was closed");
            }
            if (failure != null) {
                throw new IOException("write of " + name + " failed earlier: " + failure.getMessage(), failure);
            }
        }

        private UnableToStoreException fail(UnableToStoreException e) {
            failure = e;
            buffer = null;
            return e;
        }

        private void sendChunk() {
            try {
                if (sessionId == null) {
                    int length = filled;
                    sessionId = calls.execute("upload", name, attempt -> client.files()
                                    .uploadSessionStart()
                                    .uploadAndFinish(new ByteArrayInputStream(buffer, 0, length), length))
                            .getSessionId();
                    acknowledged = length;
                    LOG.debug("Dropbox upload session started for {} ({} bytes)", name, length);
                } else {
                    append();
                }
                filled = 0;
            } catch (UnableToStoreException e) {
                throw fail(e);
            } catch (DbxApiException e) {
                throw fail(calls.permanent("upload", name, e.getMessage(), e));
            }
        }

        /** Appends the buffered chunk; resumes at Dropbox's offset after a lost response. */
        private void append() throws DbxApiException {
            long chunkStart = acknowledged;
            int resyncs = 0;
            while (acknowledged < chunkStart + filled) {
                int from = (int) (acknowledged - chunkStart);
                int length = filled - from;
                long offset = acknowledged;
                try {
                    calls.execute("upload", name, attempt -> client.files()
                            .uploadSessionAppendV2(new UploadSessionCursor(sessionId, offset))
                            .uploadAndFinish(new ByteArrayInputStream(buffer, from, length), length));
                    acknowledged = offset + length;
                } catch (UploadSessionAppendErrorException e) {
                    if (!e.errorValue.isIncorrectOffset()) {
                        throw calls.permanent(
                                "upload",
                                name,
                                "upload session " + e.errorValue.tag().name().toLowerCase(Locale.ROOT),
                                e);
                    }
                    long correct = e.errorValue.getIncorrectOffsetValue().getCorrectOffset();
                    acknowledged = resync(chunkStart, filled, correct, ++resyncs, e);
                }
            }
        }

        /** Checks Dropbox's correct offset against the bytes still held; returns where to continue. */
        private long resync(long chunkStart, int chunkLength, long correct, int resyncs, Exception e) {
            if (correct < chunkStart || correct > chunkStart + chunkLength) {
                throw new UnableToStoreException(
                        description,
                        name,
                        true,
                        "Dropbox's upload session for " + name + " is at offset " + correct + ", outside the chunk"
                                + " still held (" + chunkStart + ".." + (chunkStart + chunkLength)
                                + "): the upload cannot resume; nothing was published, retry the backup",
                        e);
            }
            if (resyncs > settings.maxAttempts()) {
                throw new UnableToStoreException(
                        description,
                        name,
                        true,
                        "Dropbox's upload session for " + name + " kept reporting another offset; nothing was"
                                + " published, retry the backup",
                        e);
            }
            LOG.debug("Dropbox upload of {}: resuming at offset {} reported by Dropbox", name, correct);
            return correct;
        }

        @Override
        public StoredObject commit() throws IOException {
            ensureWritable();
            try {
                FileMetadata md = sessionId == null ? uploadWhole() : finishSession();
                String expected = hasher.finish();
                if (!expected.equals(md.getContentHash()) || md.getSize() != written) {
                    discardCorrupt(md);
                    throw new UnableToStoreException(
                            description,
                            name,
                            true,
                            "Dropbox stored " + name + " with content_hash " + md.getContentHash() + " and "
                                    + md.getSize() + " bytes, but " + written + " bytes with content_hash " + expected
                                    + " were sent: the data was corrupted in transit; the file was deleted, retry",
                            null);
                }
                committed = true;
                buffer = null;
                return toStoredObject(md);
            } catch (UnableToStoreException e) {
                throw fail(e);
            } catch (DbxApiException e) {
                throw fail(calls.permanent("upload", name, e.getMessage(), e));
            }
        }

        private FileMetadata uploadWhole() throws DbxApiException {
            int length = filled;
            try {
                return calls.execute("upload", name, attempt -> client.files()
                        .uploadBuilder(path)
                        .withMode(WriteMode.OVERWRITE)
                        .withAutorename(false)
                        .withMute(true)
                        .uploadAndFinish(new ByteArrayInputStream(buffer, 0, length), length));
            } catch (UploadErrorException e) {
                throw writeFailure(
                        "upload",
                        name,
                        e.errorValue.isPath() ? e.errorValue.getPathValue().getReason() : null,
                        e);
            }
        }

        private FileMetadata finishSession() throws DbxApiException {
            CommitInfo commit = CommitInfo.newBuilder(path)
                    .withMode(WriteMode.OVERWRITE)
                    .withAutorename(false)
                    .withMute(true)
                    .build();
            long chunkStart = acknowledged;
            int resyncs = 0;
            boolean[] ambiguous = {false};
            while (true) {
                int from = (int) (acknowledged - chunkStart);
                int length = filled - from;
                long offset = acknowledged;
                try {
                    return calls.execute("upload", name, attempt -> {
                        ambiguous[0] |= attempt > 1;
                        return client.files()
                                .uploadSessionFinish(new UploadSessionCursor(sessionId, offset), commit)
                                .uploadAndFinish(new ByteArrayInputStream(buffer, from, length), length);
                    });
                } catch (UploadSessionFinishErrorException e) {
                    if (e.errorValue.isLookupFailed()) {
                        UploadSessionLookupError lookup = e.errorValue.getLookupFailedValue();
                        if (lookup.isIncorrectOffset()) {
                            long correct = lookup.getIncorrectOffsetValue().getCorrectOffset();
                            acknowledged = resync(chunkStart, filled, correct, ++resyncs, e);
                            continue;
                        }
                        if (ambiguous[0] && (lookup.isNotFound() || lookup.isClosed())) {
                            // an earlier finish may have gone through before its response was lost
                            Optional<FileMetadata> md = metadata(name, path);
                            if (md.isPresent()
                                    && hasher.finish().equals(md.get().getContentHash())) {
                                return md.get();
                            }
                        }
                        throw new UnableToStoreException(
                                description,
                                name,
                                true,
                                "Dropbox lost the upload session of " + name + " ("
                                        + lookup.tag().name().toLowerCase(Locale.ROOT)
                                        + "): nothing was published, retry the"
                                        + " backup",
                                e);
                    }
                    throw writeFailure("upload", name, e.errorValue.isPath() ? e.errorValue.getPathValue() : null, e);
                }
            }
        }

        private void discardCorrupt(FileMetadata md) {
            try {
                calls.execute("delete", name, attempt -> client.files().deleteV2(path, md.getRev()));
            } catch (DbxApiException | UnableToStoreException e) {
                LOG.warn(
                        "could not delete the corrupt upload {} in {} ({}): delete it by hand",
                        name,
                        description,
                        e.getClass().getSimpleName());
            }
        }

        @Override
        public void close() {
            if (committed || closed) {
                return;
            }
            closed = true;
            buffer = null;
            if (sessionId != null) {
                LOG.debug(
                        "abandoned the Dropbox upload session of {} after {} bytes; Dropbox discards it",
                        name,
                        written);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // reads

    /**
     * A download that reconnects at its position (pinned to the same {@code rev}) when the connection
     * breaks or ends early, up to {@link DropboxSettings#maxAttempts()} times per break.
     */
    private final class ResumingDownload extends InputStream {
        private final String name;
        private final String path;
        private final String rev;
        private final long size;
        private long position;
        private InputStream in;
        private DbxDownloader<FileMetadata> current;
        private boolean closed;

        ResumingDownload(String name, String path, long offset, Download first) {
            this.name = name;
            this.path = path;
            this.rev = first.metadata().getRev();
            this.size = first.metadata().getSize();
            this.position = offset;
            this.current = first.downloader();
            this.in = current.getInputStream();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            int failures = 0;
            while (true) {
                if (position >= size) {
                    return -1;
                }
                IOException problem;
                try {
                    int n = in.read(b, off, (int) Math.min(len, size - position));
                    if (n > 0) {
                        position += n;
                        return n;
                    }
                    problem = new IOException("download of " + name + " ended at byte " + position + " of " + size);
                } catch (IOException e) {
                    problem = e;
                }
                if (++failures >= settings.maxAttempts()) {
                    throw new IOException(
                            "download of " + name + " from " + description + " broke at byte " + position + " of "
                                    + size + " " + failures + " times; retry later",
                            problem);
                }
                LOG.debug(
                        "download of {} broke at byte {} ({}), resuming",
                        name,
                        position,
                        problem.getClass().getSimpleName());
                current.close();
                Optional<Download> next = download(name, path, rev, position);
                if (next.isEmpty()) {
                    throw new IOException("download of " + name + " ended at byte " + position + " of " + size);
                }
                current = next.get().downloader();
                in = current.getInputStream();
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                current.close();
            }
        }
    }
}
