package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.spi.support.ReadOffset;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BackupStorage} in a folder on an SSH server, over SFTP (Apache MINA SSHD). Thread-safe:
 * the threads share two connections, each made on first use and made again when it breaks: one
 * for the bytes of large objects, one for everything else (listings, small objects, the lease), so
 * that renewing the lease never waits behind megabytes of an upload on a slow link.
 *
 * <p><b>Writes</b> go to a hidden temp file {@code .<name>.<random>.partial} (mode 0600) in the
 * folder; {@link ObjectWrite#commit()} syncs it ({@code fsync@openssh.com} where offered) and
 * renames it over the name with {@code posix-rename@openssh.com} (atomic replace); a server without
 * that extension gets a remove and a plain rename, with a moment in which the name is missing. A
 * write whose connection breaks reconnects, opens its temp file again and goes on at the offset the
 * server acknowledged. {@code close()} without commit removes the temp file; a killed process leaves
 * it, and {@link #sweep} removes it. {@link #list} and {@link #stat} never show dot files.
 *
 * <p><b>Lease</b>: {@link #createIfAbsent} opens the name with {@code CREATE|EXCL} (the server's
 * {@code O_EXCL}): of concurrent callers exactly one wins; a reader may see the object empty for an
 * instant. A {@linkplain StoredObject#version() version} is the size, the modification time and, for
 * objects up to 64 KiB, a digest of the content (SFTP gives times in whole seconds and no inode;
 * lease objects hold a unique token). {@link #list} gives no versions. {@link #deleteIfUnchanged}
 * renames the object to a unique tombstone (only one caller can move a given file), compares the
 * tombstone's version, then deletes it, or puts it back with a plain rename, which never replaces a
 * file: should a create slip into that instant, the put-back is dropped with a warning and the
 * lease's renewal notices.
 */
public final class SftpStorage implements BackupStorage {
    // Long on purpose: each operation over one pair of SFTP sessions, sharing the reconnect and tombstone rules.

    private static final Logger LOG = LoggerFactory.getLogger(SftpStorage.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    static final String PARTIAL_SUFFIX = ".partial";
    static final String TOMBSTONE_SUFFIX = ".tomb";
    /** Objects up to this size carry a content digest in their version. */
    static final int DIGESTED_SIZE = 64 * 1024;
    /** Bytes per SFTP write request. */
    static final int CHUNK = 32 * 1024;

    private static final int READ_BUFFER = 64 * 1024;
    private static final int FILE_MODE = 0600;

    private final SftpSettings settings;
    private final SftpErrors errors;
    private final SftpConnection control;
    private final SftpConnection bulk;
    private final String folder;
    private volatile boolean folderReady;

    public SftpStorage(SftpSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.errors = new SftpErrors(settings);
        this.control = new SftpConnection(settings, errors);
        this.bulk = new SftpConnection(settings, errors);
        this.folder = settings.folder();
    }

    /** The settings this storage was made from. */
    public SftpSettings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return errors.storage();
    }

    String remote(String name) {
        return folder.equals("/") ? "/" + name : folder + "/" + name;
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(
                    "invalid object name '" + name + "': names are [A-Za-z0-9._-]+ without slashes");
        }
        return name;
    }

    static String tempName(String name, String suffix) {
        return "." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + suffix;
    }

    /** The connection for listings, small objects and the lease. */
    SftpConnection control() {
        return control;
    }

    /** The connection for the bytes of large objects. */
    SftpConnection bulk() {
        return bulk;
    }

    /** Runs {@code call} on the control connection, turning the server's status answers into typed errors. */
    <T> T call(String operation, String object, String remotePath, SftpCall<T> call) {
        return call(control, operation, object, remotePath, call);
    }

    /** Runs {@code call} on {@code connection}, turning the server's status answers into typed errors. */
    <T> T call(SftpConnection connection, String operation, String object, String remotePath, SftpCall<T> call) {
        try {
            return connection.call(operation, object, call);
        } catch (SftpException e) {
            throw errors.status(operation, object, remotePath, e);
        }
    }

    static boolean isMissing(SftpException e) {
        return e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH;
    }

    /** Creates the folder (and its parents) once, before the first write. */
    void ensureFolder(SftpClient sftp) throws IOException {
        if (folderReady) {
            return;
        }
        Attributes a = statOrNull(sftp, folder);
        if (a == null) {
            StringBuilder path = new StringBuilder(folder.startsWith("/") ? "/" : "");
            for (String part : folder.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                path.append(path.length() == 0 || path.charAt(path.length() - 1) == '/' ? "" : "/")
                        .append(part);
                if (statOrNull(sftp, path.toString()) == null) {
                    try {
                        sftp.mkdir(path.toString());
                    } catch (SftpException e) {
                        if (statOrNull(sftp, path.toString()) == null) {
                            throw e; // not made by a racer either
                        }
                    }
                }
            }
            a = statOrNull(sftp, folder);
        }
        if (a == null || !a.isDirectory()) {
            throw errors.notAFolder(folder);
        }
        folderReady = true;
    }

    static Attributes statOrNull(SftpClient sftp, String path) throws IOException {
        try {
            return sftp.stat(path);
        } catch (SftpException e) {
            if (isMissing(e)) {
                return null;
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // writes

    @Override
    public ObjectWrite openWrite(String name) {
        return new SftpWrite(this, checkName(name));
    }

    /** Renames a committed temp file over {@code target}, atomically where the server can. */
    void publish(SftpClient sftp, String temp, String target) throws IOException {
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(temp, target);
            return;
        }
        // SFTP v3's rename never replaces a file: remove first (readers see no object for a moment)
        try {
            sftp.remove(target);
        } catch (SftpException e) {
            if (!isMissing(e)) {
                throw e;
            }
        }
        sftp.rename(temp, target);
    }

    void removeQuietly(String remotePath) {
        try {
            control.call("remove", null, (sftp, attempt) -> {
                try {
                    sftp.remove(remotePath);
                } catch (SftpException e) {
                    if (!isMissing(e)) {
                        throw e;
                    }
                }
                return null;
            });
        } catch (SftpException | RuntimeException e) {
            LOG.debug("could not remove {} on {} ({}); sweep removes it", remotePath, describe(), e.toString());
        }
    }

    static Attributes privateFile() {
        Attributes a = new Attributes();
        a.setPermissions(FILE_MODE);
        return a;
    }

    // ---------------------------------------------------------------------------------------------
    // reads, stat, list

    @Override
    public InputStream openRead(String name, long offset) {
        ReadOffset.check(offset);
        String path = remote(checkName(name));
        Attributes a = call("read", name, path, (sftp, attempt) -> statOrNull(sftp, path));
        if (a == null || !a.isRegularFile()) {
            throw new StoredObjectNotFoundException(describe(), name);
        }
        if (offset > a.getSize()) {
            throw new UnableToStoreException(
                    describe(),
                    name,
                    "cannot read " + name + " from offset " + offset + ": it has only " + a.getSize() + " bytes",
                    null);
        }
        return new SftpReadStream(this, bulk, name, path, offset, a, READ_BUFFER);
    }

    @Override
    public Optional<StoredObject> stat(String name) {
        String path = remote(checkName(name));
        return Optional.ofNullable(call("stat", name, path, (sftp, attempt) -> statObject(sftp, name, path)));
    }

    /** The object at {@code path} with its version, or null. */
    StoredObject statObject(SftpClient sftp, String name, String path) throws IOException {
        Attributes a = statOrNull(sftp, path);
        if (a == null || !a.isRegularFile()) {
            return null;
        }
        if (a.getSize() > DIGESTED_SIZE) {
            return toStoredObject(name, a, null);
        }
        // read through one handle so the attributes and the bytes are of the same file
        CloseableHandle handle;
        try {
            handle = sftp.open(path, OpenMode.Read);
        } catch (SftpException e) {
            if (isMissing(e)) {
                return null;
            }
            throw e;
        }
        try (handle) {
            Attributes same = sftp.stat(handle);
            return toStoredObject(name, same, readAll(sftp, handle, same.getSize()));
        }
    }

    static byte[] readAll(SftpClient sftp, CloseableHandle handle, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, DIGESTED_SIZE) + 1);
        byte[] buffer = new byte[Math.min(READ_BUFFER, DIGESTED_SIZE + 1)];
        long position = 0;
        while (out.size() <= DIGESTED_SIZE) {
            int n = sftp.read(handle, position, buffer, 0, buffer.length);
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            position += n;
        }
        return out.toByteArray();
    }

    static StoredObject toStoredObject(String name, Attributes a, byte[] content) {
        Instant modified =
                a.getModifyTime() == null ? Instant.EPOCH : a.getModifyTime().toInstant();
        return new StoredObject(name, a.getSize(), modified, version(a.getSize(), modified, content));
    }

    /** Size, time in seconds and, for small objects, a digest of the bytes. */
    static String version(long size, Instant modified, byte[] content) {
        String base = size + "-" + modified.getEpochSecond();
        if (content == null || content.length != size || size > DIGESTED_SIZE) {
            return base;
        }
        return base + "-" + HexFormat.of().formatHex(sha256(content), 0, 12);
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        String p = prefix == null ? "" : prefix;
        List<StoredObject> out = new ArrayList<>();
        for (DirEntry e : entries("list")) {
            String name = e.getFilename();
            Attributes a = e.getAttributes();
            if (name.startsWith(".")
                    || !name.startsWith(p)
                    || !NAME.matcher(name).matches()
                    || !a.isRegularFile()) {
                continue;
            }
            Instant modified = a.getModifyTime() == null
                    ? Instant.EPOCH
                    : a.getModifyTime().toInstant();
            out.add(new StoredObject(name, a.getSize(), modified, null));
        }
        return out;
    }

    /** The folder's entries; none when it does not exist yet. */
    private List<DirEntry> entries(String operation) {
        return call(operation, null, folder, (sftp, attempt) -> {
            CloseableHandle dir;
            try {
                dir = sftp.openDir(folder);
            } catch (SftpException e) {
                if (isMissing(e)) {
                    return List.of();
                }
                throw e;
            }
            List<DirEntry> all = new ArrayList<>();
            try (dir) {
                for (List<DirEntry> page = sftp.readDir(dir, null); page != null; page = sftp.readDir(dir, null)) {
                    all.addAll(page);
                }
            }
            return all;
        });
    }

    @Override
    public void delete(String name) {
        String path = remote(checkName(name));
        call("delete", name, path, (sftp, attempt) -> {
            try {
                sftp.remove(path);
            } catch (SftpException e) {
                if (!isMissing(e)) {
                    throw e;
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // lease

    @Override
    public boolean createIfAbsent(String name, byte[] content) {
        Objects.requireNonNull(content, "content");
        String path = remote(checkName(name));
        return call("create", name, path, (sftp, attempt) -> {
            ensureFolder(sftp);
            CloseableHandle handle;
            try {
                handle = sftp.open(path, OpenMode.Write, OpenMode.Create, OpenMode.Exclusive);
            } catch (SftpException e) {
                Attributes existing = statOrNull(sftp, path);
                if (existing == null) {
                    throw e; // not "exists": a real failure
                }
                return attempt > 1 && finishOwnCreate(sftp, path, content);
            }
            try (handle) {
                sftp.setStat(handle, privateFile());
                writeAt(sftp, handle, path, 0, content, content.length);
            }
            return true;
        });
    }

    /**
     * After a broken connection the name exists: it is ours when it holds our content or a start of
     * it (the create went through, the writing did not); lease contents are unique to their writer.
     */
    private boolean finishOwnCreate(SftpClient sftp, String path, byte[] content) throws IOException {
        byte[] existing;
        try (CloseableHandle handle = sftp.open(path, OpenMode.Read)) {
            existing = readAll(sftp, handle, content.length);
        }
        if (existing.length > content.length || !Arrays.equals(existing, Arrays.copyOf(content, existing.length))) {
            return false;
        }
        if (existing.length < content.length) {
            try (CloseableHandle handle = sftp.open(path, OpenMode.Write)) {
                writeAt(sftp, handle, path, 0, content, content.length);
            }
        }
        return true;
    }

    /**
     * Writes {@code length} bytes at {@code offset}, several requests in flight (MINA's pipelined
     * stream on the open handle), and returns once the server acknowledged them all.
     */
    static void writeAt(SftpClient sftp, CloseableHandle handle, String path, long offset, byte[] data, int length)
            throws IOException {
        if (length == 0) {
            return;
        }
        if (!(sftp instanceof AbstractSftpClient client)) {
            for (int off = 0; off < length; off += CHUNK) {
                sftp.write(handle, offset + off, data, off, Math.min(CHUNK, length - off));
            }
            return;
        }
        try (SftpOutputStreamAsync out = new SftpOutputStreamAsync(client, CHUNK, path, handle, false)) {
            out.setOffset(offset);
            out.write(data, 0, length);
        }
        // the stream's close() returns quietly on a closed connection, with acknowledgements missing
        if (!sftp.isOpen()) {
            throw new EOFException("the connection closed before the server acknowledged every write");
        }
    }

    @Override
    public boolean deleteIfUnchanged(StoredObject object) {
        Objects.requireNonNull(object, "object");
        String name = checkName(object.name());
        if (object.version() == null) {
            throw new IllegalArgumentException("deleteIfUnchanged needs the version of " + name + " (from stat)");
        }
        String path = remote(name);
        return call("delete", name, path, (sftp, attempt) -> {
            StoredObject current = statObject(sftp, name, path);
            if (current == null || !object.version().equals(current.version())) {
                return false;
            }
            String tomb = remote(tempName(name, TOMBSTONE_SUFFIX));
            try {
                sftp.rename(path, tomb);
            } catch (SftpException e) {
                if (statOrNull(sftp, path) == null) {
                    return false; // someone else moved or deleted it first
                }
                throw e;
            }
            StoredObject moved = statObject(sftp, name, tomb);
            if (moved != null && object.version().equals(moved.version())) {
                sftp.remove(tomb);
                return true;
            }
            // a fresh object created after our look: put it back, never over another one
            try {
                sftp.rename(tomb, path);
            } catch (SftpException e) {
                LOG.warn(
                        "{} on {} was re-created while a newer version was briefly moved aside; the newest one"
                                + " stays, the one in between is dropped",
                        name,
                        describe());
                sftp.remove(tomb);
            }
            return false;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // sweep

    @Override
    public List<String> sweep(Duration olderThan, Instant now, boolean dryRun) {
        List<String> removed = new ArrayList<>();
        Instant limit = now.minus(olderThan);
        for (DirEntry e : entries("sweep")) {
            String name = e.getFilename();
            Attributes a = e.getAttributes();
            if (!name.startsWith(".") || !(name.endsWith(PARTIAL_SUFFIX) || name.endsWith(TOMBSTONE_SUFFIX))) {
                continue;
            }
            Instant modified = a.getModifyTime() == null
                    ? Instant.EPOCH
                    : a.getModifyTime().toInstant();
            if (!a.isRegularFile() || modified.isAfter(limit)) {
                continue;
            }
            removed.add("temp file " + name + " (" + a.getSize() + " bytes, " + modified + ")");
            if (!dryRun) {
                String path = remote(name);
                call("sweep", name, path, (sftp, attempt) -> {
                    try {
                        sftp.remove(path);
                    } catch (SftpException x) {
                        if (!isMissing(x)) {
                            throw x;
                        }
                    }
                    return null;
                });
            }
        }
        return removed;
    }

    @Override
    public void close() {
        control.close();
        bulk.close();
    }
}
