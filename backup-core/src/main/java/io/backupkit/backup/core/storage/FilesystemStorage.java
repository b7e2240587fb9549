package io.backupkit.backup.core.storage;

import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.internal.pipeline.FileStreams;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.spi.support.ReadOffset;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage provider {@code filesystem} (the default): objects are files in one folder. The one thing to
 * know: a write goes to a hidden temp file that {@link ObjectWrite#commit()} fsyncs and renames over the
 * final name, so readers see an object whole or not at all; {@link #createIfAbsent} and {@link
 * #deleteIfUnchanged} are atomic across processes through {@code link(2)} and one file lock that
 * create, commit and conditional delete all hold. Thread-safe. How each guarantee is kept: {@code docs/NOTES-PROVIDERS.md}.
 */
public final class FilesystemStorage implements BackupStorage {
    // Long on purpose: every operation and the write handle share one set of lock, rename and fsync rules.

    static final String PARTIAL_SUFFIX = ".partial";
    static final String TOMBSTONE_SUFFIX = ".tomb";
    /**
     * The hidden file whose {@code fcntl} lock orders creates, commits and conditional deletes in the
     * folder; named for the default lease, whose lock it was alone in earlier versions, so that
     * those exclude each other with this one.
     */
    static final String LOCK_FILE = ".backup.lease.lock";

    private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.[0-9a-f]{16}(\\.partial|\\.tomb)");
    private static final Set<PosixFilePermission> DEFAULT_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(FilesystemStorage.class);

    private final Path folder;
    private final boolean fsync;
    private final Set<PosixFilePermission> permissions;
    private volatile boolean folderReady;
    private volatile boolean hardLinks = true;

    /** A storage in {@code folder} (created on first write) with {@code fsync} and default permissions. */
    public FilesystemStorage(Path folder) {
        this(folder, true, DEFAULT_PERMISSIONS);
    }

    /**
     * A storage in {@code folder}.
     *
     * @param fsync false skips {@code fsync} of files and folder (faster, not crash-safe; for tests)
     * @param permissions POSIX permissions of new files ({@code null}: the default {@code rw-------});
     *     a new folder gets the same plus execute wherever read or write is granted
     */
    public FilesystemStorage(Path folder, boolean fsync, Set<PosixFilePermission> permissions) {
        this.folder = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        this.fsync = fsync;
        this.permissions = Set.copyOf(permissions == null ? DEFAULT_PERMISSIONS : permissions);
    }

    /** A storage that behaves as on a file system without hard links (tests the fallbacks). */
    static FilesystemStorage withoutHardLinks(Path folder) {
        FilesystemStorage storage = new FilesystemStorage(folder, false, null);
        storage.hardLinks = false;
        return storage;
    }

    /** The folder holding the objects. */
    public Path folder() {
        return folder;
    }

    @Override
    public Optional<Path> localFolder() {
        return Optional.of(folder);
    }

    @Override
    public String describe() {
        return folder.toString();
    }

    @Override
    public ObjectWrite openWrite(String name) throws IOException {
        StorageNames.check(name);
        Path temp = tempPath(name, PARTIAL_SUFFIX);
        FileChannel channel = createTemp(name, temp);
        return new FileWrite(name, temp, channel);
    }

    @Override
    public InputStream openRead(String name, long offset) throws IOException {
        StorageNames.check(name);
        ReadOffset.check(offset);
        Path file = folder.resolve(name);
        if (Files.isDirectory(file)) {
            throw new StoredObjectNotFoundException(describe(), name); // a folder is not an object
        }
        try {
            return FileStreams.open(file, offset);
        } catch (NoSuchFileException e) {
            throw new StoredObjectNotFoundException(describe(), name);
        } catch (IOException e) {
            throw failure(name, "cannot read " + name + " in " + folder, e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String name) throws IOException {
        StorageNames.check(name);
        try {
            BasicFileAttributes a = Files.readAttributes(folder.resolve(name), BasicFileAttributes.class);
            return a.isRegularFile() ? Optional.of(toStored(name, a)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure(name, "cannot read the attributes of " + name + " in " + folder, e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        StorageNames.checkPrefix(prefix);
        List<StoredObject> result = new ArrayList<>();
        if (!Files.exists(folder)) {
            return result;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(prefix) || !StorageNames.isValid(name)) {
                    continue; // temp files, tombstones, dot files and foreign names are not objects
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        result.add(toStored(name, a));
                    }
                } catch (NoSuchFileException e) {
                    // deleted while listing
                }
            }
        } catch (IOException e) {
            throw failure(
                    null,
                    "cannot list " + folder + ": " + reason(e) + "; check that it is a folder readable by user "
                            + System.getProperty("user.name"),
                    e);
        }
        return result;
    }

    @Override
    public void delete(String name) throws IOException {
        StorageNames.check(name);
        try {
            Files.deleteIfExists(folder.resolve(name));
        } catch (IOException e) {
            throw failure(name, "cannot delete " + name + " in " + folder + ": " + reason(e), e);
        }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        StorageNames.check(name);
        Objects.requireNonNull(content, "content");
        Path target = folder.resolve(name);
        if (Files.exists(target)) {
            return false;
        }
        if (!hardLinks) {
            return exclusively(name, locked -> !Files.exists(target) && createExclusive(name, target, content));
        }
        // the content is written and synced before the lock is taken: the lock is held for link(2) only
        Path temp = tempPath(name, PARTIAL_SUFFIX);
        try {
            try (FileChannel channel = createTemp(name, temp)) {
                writeFully(name, channel, ByteBuffer.wrap(content));
                Files.setLastModifiedTime(temp, uniqueTime());
                if (fsync) {
                    channel.force(true);
                }
            }
            Optional<Boolean> linked = exclusively(
                    name, locked -> Files.exists(target) ? Optional.of(false) : linkExclusively(target, temp));
            if (linked.isEmpty()) {
                return exclusively(name, locked -> !Files.exists(target) && createExclusive(name, target, content));
            }
            if (linked.get()) {
                syncFolder();
            }
            return linked.get();
        } catch (IOException e) {
            throw failure(name, "cannot create " + name + " in " + folder + ": " + reason(e) + advice(e), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public boolean deleteIfUnchanged(StoredObject object) throws IOException {
        Objects.requireNonNull(object, "object");
        String name = StorageNames.check(object.name());
        if (object.version() == null) {
            throw new IllegalArgumentException("deleteIfUnchanged needs the version of " + name + " (from stat)");
        }
        if (!isVersion(name, object)) {
            return false;
        }
        boolean deleted = exclusively(
                name, locked -> locked ? deleteIfStillVersion(object, name) : deleteByTombstone(object, name));
        if (deleted) {
            syncFolder();
        }
        return deleted;
    }

    private boolean isVersion(String name, StoredObject object) throws IOException {
        Optional<StoredObject> current = stat(name);
        return current.isPresent() && object.version().equals(current.get().version());
    }

    /**
     * Under the folder's lock nothing else can put a file under {@code name} (creates and commits
     * take it too), so comparing and then deleting is atomic, and the name is never seen missing
     * unless the object is really gone.
     */
    private boolean deleteIfStillVersion(StoredObject object, String name) throws IOException {
        if (!isVersion(name, object)) {
            return false;
        }
        try {
            Files.delete(folder.resolve(name));
            return true;
        } catch (NoSuchFileException e) {
            return false; // removed by a plain delete() since the look
        } catch (IOException e) {
            throw failure(name, "cannot delete " + name + " in " + folder + ": " + reason(e), e);
        }
    }

    /**
     * Without file locks: rename the object to a unique tombstone (only one caller can move a given
     * file away), compare the tombstone's version, delete it, or put a newer object back.
     */
    private boolean deleteByTombstone(StoredObject object, String name) throws IOException {
        Path target = folder.resolve(name);
        Path tombstone = tempPath(name, TOMBSTONE_SUFFIX);
        try {
            try {
                Files.move(target, tombstone, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                return false; // someone else moved or deleted it first
            }
            BasicFileAttributes moved = Files.readAttributes(tombstone, BasicFileAttributes.class);
            if (object.version().equals(version(moved))) {
                Files.delete(tombstone);
                return true;
            }
            // we moved away a fresh object created after our stat: put it back, exclusively
            if (!putBack(tombstone, target)) {
                LOG.warn(
                        "{} in {} was re-created while a newer version was briefly moved aside; the newest one"
                                + " stays, the one in between is dropped",
                        name,
                        folder);
            }
            Files.deleteIfExists(tombstone);
            syncFolder();
            return false;
        } catch (IOException e) {
            throw failure(name, "cannot delete " + name + " in " + folder + ": " + reason(e), e);
        }
    }

    /** What runs under the folder's lock; {@code locked} is false on a file system without file locks. */
    @FunctionalInterface
    private interface LockedBody<T> {
        T run(boolean locked) throws IOException;
    }

    /** The threads of this JVM that hold a folder's lock file (a file lock is per process). */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS_IN_THIS_JVM = new ConcurrentHashMap<>();

    private static volatile boolean fileLocksUnsupportedLogged;

    /**
     * Runs {@code body} holding the folder's lock: a lock on {@value #LOCK_FILE} in the folder
     * ({@code fcntl}: across processes, released by the kernel when a process dies) and, because
     * such a lock belongs to the whole process, a lock among this JVM's threads. Everything that
     * puts a file under an object's name or removes one by version takes it, for microseconds
     * ({@code link(2)}, {@code rename(2)}, a stat and an {@code unlink(2)}). On a file system without
     * file locks the body runs without (logged once).
     *
     * @param name the object, for messages
     */
    private <T> T exclusively(String name, LockedBody<T> body) throws IOException {
        ensureFolder();
        Path lockFile = folder.resolve(LOCK_FILE);
        ReentrantLock inJvm = LOCKS_IN_THIS_JVM.computeIfAbsent(lockFile, p -> new ReentrantLock());
        // A FileChannel closes at once on an interrupted thread; a cancelled operation must still
        // release its lease, so the wait is not interruptible (it is microseconds) and the thread's
        // interrupt is kept for its caller.
        boolean interrupted = Thread.interrupted();
        inJvm.lock();
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel channel;
                try {
                    channel = FileChannel.open(
                            lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), fileAttributes());
                } catch (IOException e) {
                    throw failure(name, "cannot lock " + name + " in " + folder + ": " + reason(e) + advice(e), e);
                }
                try (channel) {
                    FileLock lock = null;
                    try {
                        lock = channel.lock();
                    } catch (ClosedChannelException | FileLockInterruptionException e) {
                        // interrupted while it waited: clear it, wait again on a new channel
                        interrupted |= Thread.interrupted();
                        if (attempt < 3) {
                            continue;
                        }
                        throw new InterruptedIOException("interrupted while waiting for the lock of " + name);
                    } catch (IOException e) {
                        if (!fileLocksUnsupportedLogged) {
                            fileLocksUnsupportedLogged = true;
                            LOG.warn(
                                    "{} offers no file locks ({}); the lease relies on its atomic operations alone",
                                    folder,
                                    e.toString());
                        }
                    }
                    try {
                        return body.run(lock != null);
                    } finally {
                        releaseQuietly(lock);
                    }
                }
            }
        } finally {
            inJvm.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Releases {@code lock}; should that fail (an interrupt closed the channel), closing it releases it. */
    private static void releaseQuietly(FileLock lock) {
        if (lock == null) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("releasing {} failed: {}; the channel's close releases it", lock, e.toString());
        }
    }

    /**
     * {@code link(2)} from {@code target} to {@code source}, which fails when {@code target} exists:
     * true when linked, false when {@code target} exists, empty when this file system has no hard
     * links (then they are not tried again and the caller falls back).
     */
    private Optional<Boolean> linkExclusively(Path target, Path source) throws IOException {
        try {
            Files.createLink(target, source);
            return Optional.of(true);
        } catch (FileAlreadyExistsException e) {
            return Optional.of(false);
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(target)) {
                return Optional.of(false);
            }
            if (e instanceof IOException io && !linksUnsupported(io)) {
                throw io;
            }
            LOG.warn(
                    "{} does not support hard links ({}); falling back to exclusive create and rename",
                    folder,
                    e.toString());
            hardLinks = false;
            return Optional.empty();
        }
    }

    /** Whether a failed {@code link(2)} means the file system has no hard links (FAT, some SMB shares). */
    private static boolean linksUnsupported(IOException e) {
        String text = String.valueOf(e instanceof FileSystemException fse ? fse.getReason() : e.getMessage())
                .toLowerCase(Locale.ROOT);
        return text.contains("not permitted") || text.contains("not supported");
    }

    /** Moves {@code tombstone} back to {@code target} unless that exists; false when it did. */
    private boolean putBack(Path tombstone, Path target) throws IOException {
        if (hardLinks) {
            Optional<Boolean> linked = linkExclusively(target, tombstone);
            if (linked.isPresent()) {
                return linked.get();
            }
        }
        // without hard links: a check, then rename(2); a create in between is the only loser
        try {
            Files.move(tombstone, target);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    @Override
    public List<String> sweep(Duration olderThan, Instant now, boolean dryRun) throws IOException {
        Objects.requireNonNull(olderThan, "olderThan");
        Objects.requireNonNull(now, "now");
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return removed;
        }
        Instant threshold = now.minus(olderThan);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!LEFTOVER.matcher(name).matches()) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(entry, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                }
                Instant modified = a.lastModifiedTime().toInstant();
                if (!a.isRegularFile() || !modified.isBefore(threshold)) {
                    continue;
                }
                String what = name.endsWith(PARTIAL_SUFFIX) ? "temp file of an interrupted write" : "tombstone";
                removed.add(entry + " (" + what + ", " + a.size() + " bytes, modified " + modified + ")");
                if (!dryRun) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException e) {
            throw failure(null, "cannot sweep " + folder + ": " + reason(e), e);
        }
        return removed;
    }

    @Override
    public String toString() {
        return "FilesystemStorage[" + folder + "]";
    }

    // ------------------------------------------------------------------------------------------

    /** Creates the folder if missing and checks it is a writable folder; once per instance. */
    private void ensureFolder() {
        if (folderReady) {
            return;
        }
        String user = System.getProperty("user.name");
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UnableToStoreException(
                    describe(),
                    null,
                    folder
                            + " is a file, not a folder: use a folder as the storage location (it is created if missing)",
                    null);
        }
        try {
            Files.createDirectories(folder, folderAttributes());
        } catch (IOException e) {
            throw new UnableToStoreException(
                    describe(),
                    null,
                    "cannot create the backup folder " + folder + ": " + reason(e) + "; create it writable for user "
                            + user + " or use another storage location",
                    e);
        }
        if (!Files.isWritable(folder)) {
            throw new UnableToStoreException(
                    describe(),
                    null,
                    "the backup folder " + folder + " is not writable" + (readOnly() ? " (read-only file system)" : "")
                            + "; make it writable for user " + user + " or use another storage location",
                    null);
        }
        folderReady = true;
    }

    private boolean readOnly() {
        try {
            FileStore store = Files.getFileStore(folder);
            return store.isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }

    private FileChannel createTemp(String name, Path temp) throws IOException {
        ensureFolder();
        try {
            return FileChannel.open(
                    temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes());
        } catch (NoSuchFileException e) {
            // the folder was removed since it was checked: create it again, once
            folderReady = false;
            ensureFolder();
            try {
                return FileChannel.open(
                        temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes());
            } catch (IOException again) {
                throw failure(name, "cannot create a file in " + folder + ": " + reason(again) + advice(again), again);
            }
        } catch (IOException e) {
            throw failure(name, "cannot create a file in " + folder + ": " + reason(e) + advice(e), e);
        }
    }

    private boolean createExclusive(String name, Path target, byte[] content) {
        ensureFolder();
        try (FileChannel channel = FileChannel.open(
                target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes())) {
            writeFully(name, channel, ByteBuffer.wrap(content));
            Files.setLastModifiedTime(target, uniqueTime());
            if (fsync) {
                channel.force(true);
            }
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            deleteQuietly(target);
            throw failure(name, "cannot create " + name + " in " + folder + ": " + reason(e) + advice(e), e);
        }
        syncFolder();
        return true;
    }

    private FileAttribute<?>[] fileAttributes() {
        if (!posix()) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }

    private FileAttribute<?>[] folderAttributes() {
        if (!posix()) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> dir = new HashSet<>(permissions);
        addExecute(
                dir,
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        addExecute(
                dir,
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE);
        addExecute(
                dir,
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(dir)};
    }

    private static void addExecute(
            Set<PosixFilePermission> set, PosixFilePermission r, PosixFilePermission w, PosixFilePermission x) {
        if (set.contains(r) || set.contains(w)) {
            set.add(x);
        }
    }

    private boolean posix() {
        return folder.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private Path tempPath(String name, String suffix) {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        return folder.resolve("." + name + "." + HexFormat.of().formatHex(random) + suffix);
    }

    /** Now, to the microsecond, plus random nanoseconds: makes versions of re-created files differ. */
    private static FileTime uniqueTime() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return FileTime.from(now.plusNanos(ThreadLocalRandom.current().nextInt(1000)));
    }

    static String version(BasicFileAttributes a) {
        return a.fileKey() + "/" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "/" + a.size();
    }

    private static StoredObject toStored(String name, BasicFileAttributes a) {
        return new StoredObject(name, a.size(), a.lastModifiedTime().toInstant(), version(a));
    }

    private void writeFully(String name, FileChannel channel, ByteBuffer buffer) {
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw failure(name, "cannot write " + name + " in " + folder + ": " + reason(e) + advice(e), e);
        }
    }

    private void syncFolder() {
        if (!fsync) {
            return;
        }
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // not possible on every platform (Windows); the rename itself is still atomic
            LOG.debug("cannot fsync folder {}: {}", folder, e.toString());
        }
    }

    private UnableToStoreException failure(String name, String message, IOException cause) {
        return new UnableToStoreException(describe(), name, message, cause);
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "access denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder " + e.getMessage();
        }
        String reason = e.getMessage();
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        }
        return reason == null ? e.getClass().getSimpleName() : reason;
    }

    private String advice(IOException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (text.contains("no space left") || text.contains("disk quota")) {
            return "; free space in " + folder + " or use a storage location on a larger disk";
        }
        if (e instanceof AccessDeniedException || text.contains("read-only") || text.contains("permission")) {
            return "; make " + folder + " writable for user " + System.getProperty("user.name")
                    + " or use another storage location";
        }
        return "";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", path, e.toString());
        }
    }

    /**
     * Starts writing a large file's data to disk while it is still being written, every {@link
     * #WRITEBACK_STEP} bytes ({@code fdatasync} on a thread of its own), so that the {@code fsync}
     * of the commit finds little left to write. Without it the kernel writes nothing back before
     * that {@code fsync} (its background writeback starts at 10% of memory dirty), and a create
     * waited for the whole dump to reach the disk at its end while both cores idled.
     */
    private static final class Writeback {
        static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backup-writeback");
            t.setDaemon(true);
            return t;
        });
    }

    static final long WRITEBACK_STEP = 32L << 20;

    /** Writebacks a write of this storage started so far (tests). */
    static int writebacks(ObjectWrite write) {
        return ((FileWrite) write).writebacks;
    }

    /** One write: a temp file, renamed over the final name on commit. */
    private final class FileWrite implements ObjectWrite {
        private final String name;
        private final Path temp;
        private final FileChannel channel;
        private final byte[] buffer = new byte[BUFFER_SIZE];
        private int buffered;
        private long written;
        private boolean done;
        private long writebackAt = WRITEBACK_STEP;
        private Future<?> writeback;
        /** Writebacks started (tests). */
        int writebacks;

        private final OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                ensureOpen();
                if (buffered == buffer.length) {
                    drain();
                }
                buffer[buffered++] = (byte) b;
                written++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                ensureOpen();
                if (len >= buffer.length) {
                    drain();
                    writeFully(name, channel, ByteBuffer.wrap(b, off, len));
                } else {
                    if (len > buffer.length - buffered) {
                        drain();
                    }
                    System.arraycopy(b, off, buffer, buffered, len);
                    buffered += len;
                }
                written += len;
                startWriteback();
            }

            @Override
            public void flush() throws IOException {
                ensureOpen();
                drain();
            }

            @Override
            public void close() {
                // the write is ended by commit() or ObjectWrite.close(), not here
            }
        };

        FileWrite(String name, Path temp, FileChannel channel) {
            this.name = name;
            this.temp = temp;
            this.channel = channel;
        }

        private void ensureOpen() throws IOException {
            if (done) {
                throw new IOException("the write of " + name + " to " + folder + " is already committed or closed");
            }
        }

        private void startWriteback() {
            if (!fsync || written < writebackAt || (writeback != null && !writeback.isDone())) {
                return;
            }
            writebackAt = written + WRITEBACK_STEP;
            writebacks++;
            writeback = Writeback.THREAD.submit(() -> {
                channel.force(false);
                return null;
            });
        }

        /** Waits for a running writeback; its failure, if any, the commit's own fsync reports. */
        private void awaitWriteback() throws IOException {
            if (writeback == null) {
                return;
            }
            try {
                writeback.get();
            } catch (ExecutionException e) {
                LOG.debug("writeback of {} failed: {}", temp, e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while " + name + " was written to disk");
            }
        }

        private void drain() {
            if (buffered > 0) {
                int n = buffered;
                buffered = 0;
                writeFully(name, channel, ByteBuffer.wrap(buffer, 0, n));
            }
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public StoredObject commit() throws IOException {
            ensureOpen();
            Path target = folder.resolve(name);
            try {
                drain();
                Files.setLastModifiedTime(temp, uniqueTime());
                if (fsync) {
                    awaitWriteback();
                    channel.force(true);
                }
                BasicFileAttributes a = Files.readAttributes(temp, BasicFileAttributes.class);
                channel.close();
                if (a.size() != written) {
                    throw new IOException("the temp file " + temp + " has " + a.size() + " bytes, " + written
                            + " were written (was it changed by another program?)");
                }
                // under the folder's lock: a conditional delete never sees its version replaced midway
                exclusively(name, locked -> Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE));
                done = true;
                syncFolder();
                return toStored(name, a);
            } catch (IOException e) {
                close();
                throw failure(name, "cannot store " + name + " in " + folder + ": " + reason(e) + advice(e), e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            closeQuietly(channel);
            deleteQuietly(temp);
        }
    }
}
