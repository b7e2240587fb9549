package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.UnsafeArchiveException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts a media archive (a tar stream) into a new or empty folder, restoring what {@link
 * MediaArchiver} wrote; small files are written by a few threads while the archive is read on. The one
 * thing to know: every entry is checked before anything is written for it, and a hostile one (an
 * escaping name, a write through a link, a device, a size beyond {@link ExtractLimits}) is refused with
 * {@link UnsafeArchiveException}; on any failure what was extracted is removed again. A damaged archive
 * is {@link CorruptBackupException}. Thread-safe. The full list of checks: {@code docs/NOTES-PROVIDERS.md}.
 */
public final class MediaExtractor {
    // Long on purpose: each check of an entry (name, type, size, link) sits next to the write it guards.

    private static final Logger LOG = LoggerFactory.getLogger(MediaExtractor.class);

    /**
     * Bytes the tar parser may read for one entry's headers, PAX and long-name data included. It also bounds
     * how deep the parser recurses through chained extension headers (at most 128 records).
     */
    static final long MAX_HEADER_BYTES = 64L << 10;

    /**
     * Bytes of one path segment (NAME_MAX of Linux, macOS and common file systems): a longer one cannot be
     * created, and no archive this library writes holds one.
     */
    static final int MAX_SEGMENT_BYTES = 255;

    /** Zero blocks of this size (at this alignment) become holes. */
    static final int HOLE_BLOCK = 4096;

    private static final byte[] ZERO_BLOCK = new byte[HOLE_BLOCK];
    /** Files up to this size are read whole and written by {@link ParallelWrites} threads. */
    static final int SMALL_FILE = 64 << 10;

    /**
     * One writer beside the reading thread: creates in one folder take that folder's lock in the
     * kernel, and three writers spent three times the system time of one on 100,000 small files.
     */
    private static final int WRITE_THREADS = 1;
    /** Small files read and not written yet, at most (their content is held: 2 MiB at most). */
    private static final int WRITES_IN_FLIGHT = 32;

    private static final int SET_ID_BITS = 06000;

    private static final Set<OpenOption> SMALL_FILE_OPTIONS =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    private static final FileAttribute<?>[] NO_ATTRS = new FileAttribute<?>[0];

    /** {@code mode}'s permission bits (0777) as a create attribute. */
    static FileAttribute<?>[] perms(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ (0400) ... OTHERS_EXECUTE (01)
        for (int i = 0; i < all.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                perms.add(all[i]);
            }
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)};
    }
    /** Entries named in a warning each; more are counted in one. */
    private static final int MAX_NAMED = 20;

    private enum Kind {
        FILE,
        DIRECTORY,
        SYMLINK,
        HARD_LINK,
        FIFO
    }

    /** Whether this process runs as root (the owner of {@code /proc/self} is the effective user). */
    static boolean runsAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private final ExtractLimits limits;
    private final BackupListener listener;

    /**
     * @param limits bounds checked before each entry is written
     * @param listener gets {@code progress(MEDIA_RESTORE, contentBytes)} about every MiB and warnings
     */
    public MediaExtractor(ExtractLimits limits, BackupListener listener) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Extracts a tar stream into {@code target}, which must not exist or be an empty folder.
     *
     * @param tar the archive; read to its end, not closed
     * @param target the folder to fill (created when missing; its parent must exist or is created)
     * @param artifactName the object name, for messages and exceptions
     * @return files, folders and content bytes extracted
     * @throws UnsafeArchiveException for a hostile entry or an archive beyond the limits
     * @throws CorruptBackupException for a malformed or truncated archive
     * @throws UnableToRestoreMediaException when the target is unusable or writing into it fails
     */
    public MediaInfo extract(InputStream tar, Path target, String artifactName) {
        Objects.requireNonNull(tar, "tar");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(artifactName, "artifactName");
        return new Run(tar, target.toAbsolutePath().normalize(), artifactName, null).run();
    }

    /**
     * {@link #extract(InputStream, Path, String)} of the entries at and under {@code selection} only,
     * each under the selection's own name; the others are read past (their names are still checked),
     * nothing is written for them. Nothing matched: an empty result.
     */
    public MediaInfo extract(InputStream tar, Path target, String artifactName, MediaSelection selection) {
        Objects.requireNonNull(selection, "selection");
        return new Run(tar, target.toAbsolutePath().normalize(), artifactName, selection).run();
    }

    private record DirMeta(FileTime mtime, int permissions) {}

    /** The state of one extraction. */
    private final class Run {
        private final String artifact;
        private final Path root;
        private final TarGuardInputStream guard;
        private final TarArchiveInputStream tarIn;
        private final byte[] buffer = new byte[TarFormat.BUFFER_SIZE];
        private final SafeListener events = new SafeListener(listener, Phase.MEDIA_RESTORE);
        private final Map<Path, DirMeta> dirs = new LinkedHashMap<>();
        private final boolean unix;
        /** This process's umask, or -1 when unknown (then every file gets a chmod). */
        private final int umask;

        private long entries;
        private long fileCount;
        private long directoryCount;
        private long totalBytes;
        private long setIdDropped;
        private final AtomicLong timesNotSet = new AtomicLong();
        /** Access time given to what is extracted (setting both times saves a system call per entry). */
        private final FileTime now = FileTime.from(Instant.now());
        /** Writes small files while this thread reads on; {@code null} until the first. */
        private ParallelWrites writes;
        /** The folder the last entry was put in, checked to be a real folder of the target. */
        private Path checkedParent;
        /** Whether this process runs as root: then setuid/setgid bits are not applied. */
        private final boolean asRoot = runsAsRoot();
        /** Backslashes are plain name characters where '/' is the only separator. */
        private final boolean backslashIsPlain;
        /** The file entry just extracted: a file re-read at create follows as an entry of the same name. */
        private Path lastFile;
        /** The target folder as a URI prefix, for names made of bytes that are not UTF-8 (set when needed). */
        private String rootPrefix;
        /** The entries to extract, or {@code null} for all. */
        private final MediaSelection selection;

        Run(InputStream in, Path root, String artifact, MediaSelection selection) {
            this.artifact = artifact;
            this.selection = selection;
            this.root = root;
            this.guard = new TarGuardInputStream(new BufferedInputStream(in, 1 << 16));
            this.tarIn = new TarArchiveInputStream(guard, TarFormat.ENCODING);
            this.unix = root.getFileSystem().supportedFileAttributeViews().contains("unix");
            this.umask = unix ? Umask.read() : -1;
            this.backslashIsPlain = root.getFileSystem().getSeparator().equals("/");
        }

        MediaInfo run() {
            boolean created = prepareTarget();
            boolean done = false;
            try {
                TarArchiveEntry entry;
                while ((entry = nextEntry()) != null) {
                    apply(entry);
                }
                drainWrites();
                drain();
                applyDirectoryAttributes();
                events.progress(totalBytes);
                if (setIdDropped > MAX_NAMED) {
                    events.warning("Restoring as root: the setuid/setgid bits of " + (setIdDropped - MAX_NAMED)
                            + " more entries of " + artifact + " were not applied");
                }
                if (timesNotSet.get() > 0) {
                    events.warning(
                            "The modification time of " + timesNotSet.get() + " extracted entries could not be set");
                }
                done = true;
                return new MediaInfo(fileCount, directoryCount, totalBytes, List.of());
            } catch (RuntimeException e) {
                RuntimeException earlier = stopWrites();
                if (earlier != null && earlier != e) {
                    e.addSuppressed(earlier);
                }
                throw e;
            } finally {
                stopWrites();
                if (!done) {
                    removeExtracted(created);
                }
            }
        }

        /** Waits for the small files being written; their first failure is thrown. */
        private void drainWrites() {
            if (writes != null) {
                writes.drain();
            }
        }

        /** Stops the writer threads after their pending writes; returns their first failure. */
        private RuntimeException stopWrites() {
            if (writes == null) {
                return null;
            }
            writes.close();
            return writes.failure();
        }

        private boolean prepareTarget() {
            BasicFileAttributes attrs = lstat(root);
            try {
                if (attrs == null) {
                    Path parent = root.getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    Files.createDirectory(root);
                    return true;
                }
                if (!attrs.isDirectory() || attrs.isSymbolicLink()) {
                    throw new UnableToRestoreMediaException("Cannot extract the media archive " + artifact + " into "
                            + root + ": it is a link or not a folder; extract into a new folder");
                }
                try (var children = Files.newDirectoryStream(root)) {
                    if (children.iterator().hasNext()) {
                        throw new UnableToRestoreMediaException("Cannot extract the media archive " + artifact
                                + " into " + root + ": the folder is not empty; extract into a new or empty folder");
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UnableToRestoreMediaException(
                        "Cannot prepare the folder " + root + " to extract " + artifact + " into: " + e
                                + "; check that its parent exists and is writable",
                        e);
            }
        }

        private TarArchiveEntry nextEntry() {
            guard.beginHeader(MAX_HEADER_BYTES);
            TarArchiveEntry entry;
            try {
                entry = tarIn.getNextEntry();
            } catch (IOException | RuntimeException e) {
                throw corrupt("cannot read the next entry header", e);
            } catch (StackOverflowError e) {
                throw corrupt("too many chained extension headers", new IOException(e.toString(), e));
            } finally {
                guard.endHeader();
            }
            if (entry == null && !guard.headerRecordIsEndMarker()) {
                throw new CorruptBackupException(
                        artifact,
                        "end-of-archive marker",
                        "end of stream at byte " + guard.position(),
                        "The media archive " + artifact + " is truncated: it ends at byte " + guard.position()
                                + " without the end-of-archive marker; restore another backup or check the storage");
            }
            return entry;
        }

        /** The failure to throw when the archive stream cannot be parsed: corrupt, unless the stream said why. */
        private BackupException corrupt(String what, Exception e) {
            if (e instanceof BackupException b) {
                // the stream below (digest, decryption, storage) already said what is wrong
                return b;
            }
            if (e instanceof IOException io && SafeListener.isCancellation(io)) {
                return new BackupCancelledException("Extracting " + artifact + " was cancelled", e);
            }
            return new CorruptBackupException(
                    artifact,
                    "The media archive " + artifact + " is corrupt or truncated (" + what + " at byte "
                            + guard.position() + ": " + e.getMessage()
                            + "); restore another backup or check the storage",
                    e);
        }

        private UnsafeArchiveException unsafe(String entryName, String why) {
            return new UnsafeArchiveException(
                    artifact,
                    entryName,
                    "The media archive " + artifact + " holds an unsafe entry '" + entryName + "': " + why
                            + ". Nothing was written for it and the restore stopped; the backup may have been"
                            + " tampered with: restore another backup");
        }

        private void apply(TarArchiveEntry entry) {
            SafeListener.checkCancelled("Extracting " + artifact);
            String name = entry.getName();
            if (!entry.isCheckSumOK()) {
                throw new CorruptBackupException(
                        artifact,
                        "valid header checksum",
                        name,
                        "The media archive " + artifact + " is corrupt: the header of entry '" + name
                                + "' has a wrong checksum; restore another backup or check the storage");
            }
            if (++entries > limits.maxEntries()) {
                throw unsafe(name, "the archive holds more than " + limits.maxEntries() + " entries");
            }
            Kind kind = checkType(entry, name);
            RawHeaderNames raw = rawNames(entry, name);
            boolean bytes = raw != null && RawNames.isLossyInTar(name);
            List<String> segments = checkName(name, bytes ? latin1(raw.name()) : name, bytes);
            if (selection != null) {
                segments = selection.within(segments, bytes);
                if (segments == null) {
                    // not selected: read past its content here, not within the next header's budget
                    while (readEntry() >= 0) {
                        SafeListener.checkCancelled("Extracting " + artifact);
                    }
                    return;
                }
            }
            long size = entry.getSize();
            if (size < 0 || (kind != Kind.FILE && size != 0)) {
                throw new CorruptBackupException(
                        artifact,
                        null,
                        name,
                        "The media archive " + artifact + " is corrupt: entry '" + name + "' declares " + size
                                + " bytes; restore another backup");
            }
            if (size > limits.maxEntryBytes()) {
                throw unsafe(name, "it declares " + size + " bytes, over the limit of " + limits.maxEntryBytes());
            }
            if (size > limits.maxTotalBytes() - totalBytes) {
                throw unsafe(name, "it would take the archive over the limit of " + limits.maxTotalBytes() + " bytes");
            }
            int mode = entry.getMode() & 07777;
            if (asRoot && kind != Kind.DIRECTORY && (mode & SET_ID_BITS) != 0) {
                // as root, a forged archive must not plant a setuid-root file
                mode &= ~SET_ID_BITS;
                if (setIdDropped++ < MAX_NAMED) {
                    events.warning("Restoring as root: the setuid/setgid bits of " + name + " were not applied");
                }
            }
            FileTime mtime = entry.getLastModifiedTime();
            if (segments.isEmpty()) {
                // "./": the target folder itself
                if (kind != Kind.DIRECTORY) {
                    throw unsafe(name, "a file entry names the target folder itself");
                }
                return;
            }
            Path dest = resolve(name, segments, bytes);
            if (kind != Kind.FILE || size > SMALL_FILE || dest.equals(lastFile)) {
                // everything but another small file sees the target with every earlier entry in place
                drainWrites();
            }
            ensureParents(name, dest);
            switch (kind) {
                case DIRECTORY -> directory(name, dest, mtime, mode);
                case FILE -> file(name, dest, size, mtime, mode);
                case SYMLINK -> symlink(name, dest, entry.getLinkName(), raw, mtime);
                case HARD_LINK -> hardLink(name, dest, entry.getLinkName(), raw);
                case FIFO -> fifo(name, dest, mtime, mode);
            }
            if (kind != Kind.FILE) {
                lastFile = null;
            }
        }

        /** What the entry is; refuses devices, sparse and unknown entry types. */
        private Kind checkType(TarArchiveEntry entry, String name) {
            if (entry.isSymbolicLink()) {
                return Kind.SYMLINK;
            }
            if (entry.isLink()) {
                return Kind.HARD_LINK;
            }
            if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                throw unsafe(name, "it is a device; devices are refused");
            }
            if (entry.isFIFO()) {
                return Kind.FIFO;
            }
            if (entry.isSparse() || entry.isPaxGNUSparse() || entry.isGNUSparse() || entry.isStarSparse()) {
                throw unsafe(name, "it is a GNU or star sparse entry, which this reader does not take");
            }
            byte flag = entry.getLinkFlag();
            boolean plain =
                    flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG;
            if (flag == TarConstants.LF_DIR || (plain && name.endsWith("/"))) {
                return Kind.DIRECTORY;
            }
            if (plain) {
                return Kind.FILE;
            }
            throw unsafe(
                    name,
                    "its type '" + (flag >= 32 && flag < 127 ? String.valueOf((char) flag) : "\\" + (flag & 0xff))
                            + "' is neither a file, a folder, a link nor a FIFO");
        }

        /**
         * The name and link target as bytes, when the parser's strings lost some (bytes that are not UTF-8:
         * GNU tar's {@code hdrcharset=BINARY}); {@code null} when the strings are exact.
         */
        private RawHeaderNames rawNames(TarArchiveEntry entry, String name) {
            if (!RawNames.isLossyInTar(name) && !RawNames.isLossyInTar(entry.getLinkName())) {
                return null;
            }
            RawHeaderNames raw = RawHeaderNames.parse(guard.headerBytes())
                    .filter(r -> sameName(new String(r.name(), StandardCharsets.UTF_8), name))
                    .orElseThrow(() -> new CorruptBackupException(
                            artifact,
                            "readable header records",
                            name,
                            "The media archive " + artifact + " is corrupt: the header of entry '" + name
                                    + "' cannot be read as bytes; restore another backup"));
            if (rootPrefix == null) {
                rootPrefix = RawNames.prefix(root);
            }
            return raw;
        }

        /** Whether both parsers read the same name: the same ASCII characters (the path's structure). */
        private static boolean sameName(String a, String b) {
            return RawNames.asciiSkeleton(stripSlashes(a)).equals(RawNames.asciiSkeleton(stripSlashes(b)));
        }

        private static String stripSlashes(String s) {
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == '/') {
                end--;
            }
            return s.substring(0, end);
        }

        /** Bytes as a string of one char each, so that the checks on names see every byte. */
        private static String latin1(byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        /**
         * The normalised segments of a name, refusing every way to escape.
         *
         * @param name the name for messages
         * @param checked the name to check: {@code name}, or its bytes one char each ({@code bytes})
         */
        private List<String> checkName(String name, String checked, boolean bytes) {
            if (checked.isEmpty()) {
                throw unsafe(name, "the name is empty");
            }
            if (checked.length() > limits.maxPathLength()) {
                throw unsafe(name, "the name is longer than " + limits.maxPathLength() + " characters");
            }
            if (checked.indexOf('\0') >= 0) {
                throw unsafe(name, "the name contains a NUL character");
            }
            if (checked.indexOf('\\') >= 0 && !backslashIsPlain) {
                throw unsafe(name, "the name contains a backslash, a separator on this system");
            }
            if (checked.startsWith("/")) {
                throw unsafe(name, "the name is an absolute path");
            }
            List<String> segments = new ArrayList<>();
            for (String part : checked.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    throw unsafe(name, "the name contains a '..' segment");
                }
                if (part.length() > MAX_SEGMENT_BYTES / 3
                        && (bytes ? part.length() : part.getBytes(StandardCharsets.UTF_8).length) > MAX_SEGMENT_BYTES) {
                    throw unsafe(name, "a segment of the name is longer than " + MAX_SEGMENT_BYTES + " bytes");
                }
                segments.add(part);
            }
            if (segments.size() > limits.maxDepth()) {
                throw unsafe(name, "the name is deeper than " + limits.maxDepth() + " folders");
            }
            return segments;
        }

        /** The path of checked segments in the target; {@code bytes}: segments of one char per byte. */
        private Path resolve(String name, List<String> segments, boolean bytes) {
            String rel = String.join("/", segments);
            Path dest;
            try {
                dest = bytes
                        ? RawNames.resolve(rootPrefix, rel.getBytes(StandardCharsets.ISO_8859_1))
                                .normalize()
                        : root.resolve(rel).normalize();
            } catch (InvalidPathException e) {
                if (!FileNameEncoding.isUtf8()) {
                    // the archive is fine; this JVM cannot write such names
                    throw new UnableToRestoreMediaException(
                            "Cannot create " + rel + " from " + artifact + ": " + FileNameEncoding.advice()
                                    + ". Nothing was changed",
                            e);
                }
                throw unsafe(name, "the name is not a valid path here (" + e.getMessage() + ")");
            } catch (IllegalArgumentException e) {
                throw unsafe(name, "the name is not a valid path here (" + e.getMessage() + ")");
            }
            if (!dest.startsWith(root)
                    || dest.equals(root)
                    || dest.getNameCount() != root.getNameCount() + segments.size()) {
                throw unsafe(name, "the name leaves the target folder " + root);
            }
            return dest;
        }

        /** Creates or checks every parent of the entry: each must be a real folder inside the target. */
        private void ensureParents(String name, Path dest) {
            Path parent = dest.getParent();
            if (parent.equals(checkedParent)) {
                return; // checked for the entry before; no entry replaces a folder
            }
            drainWrites();
            checkedParent = null;
            Path current = root;
            int base = root.getNameCount();
            for (int i = base; i < dest.getNameCount() - 1; i++) {
                current = current.resolve(dest.getName(i));
                BasicFileAttributes attrs = lstat(current);
                if (attrs == null) {
                    try {
                        Files.createDirectory(current);
                        continue;
                    } catch (FileAlreadyExistsException e) {
                        attrs = lstat(current);
                    } catch (IOException e) {
                        throw writeFailed(current, e);
                    }
                }
                if (attrs == null || attrs.isSymbolicLink() || !attrs.isDirectory()) {
                    throw unsafe(
                            name,
                            "its path runs through '" + root.relativize(current)
                                    + "', which is a link or not a folder in the target");
                }
            }
            checkedParent = parent;
        }

        private void directory(String name, Path dest, FileTime mtime, int permissions) {
            if (dirs.containsKey(dest)) {
                throw unsafe(name, "it is a duplicate entry");
            }
            BasicFileAttributes attrs = lstat(dest);
            if (attrs == null) {
                try {
                    Files.createDirectory(dest);
                } catch (FileAlreadyExistsException e) {
                    throw unsafe(name, "something appeared at its path while extracting");
                } catch (IOException e) {
                    throw writeFailed(dest, e);
                }
            } else if (attrs.isSymbolicLink() || !attrs.isDirectory()) {
                throw unsafe(name, "a file or link of that name is already in the target (duplicate entry?)");
            }
            dirs.put(dest, new DirMeta(mtime, permissions));
            directoryCount++;
        }

        private void file(String name, Path dest, long size, FileTime mtime, int mode) {
            boolean again = dest.equals(lastFile);
            if (!again && size <= SMALL_FILE) {
                byte[] content = readWhole(name, (int) size);
                fileCount++;
                lastFile = dest;
                if (writes == null) {
                    writes = new ParallelWrites(WRITE_THREADS, WRITES_IN_FLIGHT);
                }
                writes.submit(() -> writeSmall(name, dest, content, mtime, mode));
                return;
            }
            FileChannel channel;
            try {
                if (again) {
                    // the same file read again at create because it changed: this copy replaces the last
                    Files.delete(dest);
                    fileCount--;
                }
                channel = FileChannel.open(
                        dest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException e) {
                throw unsafe(name, "a file, folder or link of that name is already in the target (duplicate entry?)");
            } catch (IOException e) {
                throw writeFailed(dest, e);
            }
            long copied = 0;
            boolean holeAtEnd = false;
            try (channel) {
                int n;
                while ((n = readEntry()) >= 0) {
                    SafeListener.checkCancelled("Extracting " + artifact);
                    holeAtEnd = writeSparse(channel, copied, n);
                    copied += n;
                    totalBytes += n;
                    events.bytes(totalBytes);
                }
                if (holeAtEnd && copied > 0) {
                    // the file ends in a hole: its last byte sets the length
                    channel.write(ByteBuffer.wrap(new byte[1]), copied - 1);
                }
            } catch (IOException e) {
                throw writeFailed(dest, e);
            }
            if (copied != size) {
                throw truncated(name, size, copied);
            }
            fileCount++;
            lastFile = dest;
            setAttributes(dest, mode, mtime);
        }

        private CorruptBackupException truncated(String name, long size, long copied) {
            return new CorruptBackupException(
                    artifact,
                    Long.toString(size),
                    Long.toString(copied),
                    "The media archive " + artifact + " is truncated: entry '" + name + "' declares " + size
                            + " bytes but holds " + copied + "; restore another backup");
        }

        /** The content of a small file entry, checked to be whole. */
        private byte[] readWhole(String name, int size) {
            byte[] content = new byte[size];
            int copied = 0;
            while (copied < size) {
                int n;
                try {
                    n = tarIn.read(content, copied, size - copied);
                } catch (IOException | RuntimeException e) {
                    throw corrupt("cannot read entry content", e);
                }
                if (n < 0) {
                    break;
                }
                copied += n;
                totalBytes += n;
                events.bytes(totalBytes);
            }
            if (copied != size || readEntry() >= 0) {
                throw truncated(name, size, copied);
            }
            return content;
        }

        /** Creates a small file with its content, mode and time (on a writer thread). */
        private void writeSmall(String name, Path dest, byte[] content, FileTime mtime, int mode) {
            // a mode the umask leaves alone is given at the create: one chmod less per file
            boolean modeAtCreate = unix && umask >= 0 && (mode & ~0777) == 0 && (mode & umask) == 0;
            try (FileChannel channel =
                    FileChannel.open(dest, SMALL_FILE_OPTIONS, modeAtCreate ? perms(mode) : NO_ATTRS)) {
                if (writeSparse(channel, 0, content, content.length) && content.length > 0) {
                    channel.write(ByteBuffer.wrap(new byte[1]), content.length - 1);
                }
            } catch (FileAlreadyExistsException e) {
                throw unsafe(name, "a file, folder or link of that name is already in the target (duplicate entry?)");
            } catch (IOException e) {
                throw writeFailed(dest, e);
            }
            if (modeAtCreate) {
                setTimes(dest, mtime);
            } else {
                setAttributes(dest, mode, mtime);
            }
        }

        private boolean writeSparse(FileChannel channel, long position, int n) throws IOException {
            return writeSparse(channel, position, buffer, n);
        }

        /**
         * Writes {@code n} bytes of {@code buf} at {@code position}, leaving out whole blocks of zeros so that
         * holes become holes again; returns whether the last block was left out.
         */
        private static boolean writeSparse(FileChannel channel, long position, byte[] buf, int n) throws IOException {
            int off = 0;
            boolean hole = false;
            while (off < n) {
                int block = (int) Math.min(n - off, HOLE_BLOCK - ((position + off) % HOLE_BLOCK));
                int end = off;
                hole = isZero(buf, end, block);
                if (hole) {
                    off += block;
                    continue;
                }
                // a run of blocks with data, written at once
                while (end < n) {
                    int len = (int) Math.min(n - end, HOLE_BLOCK - ((position + end) % HOLE_BLOCK));
                    if (end > off && isZero(buf, end, len)) {
                        break;
                    }
                    end += len;
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, off, end - off);
                long at = position + off;
                while (bb.hasRemaining()) {
                    at += channel.write(bb, at);
                }
                off = end;
                hole = false;
            }
            return hole;
        }

        private static boolean isZero(byte[] buf, int off, int len) {
            return len == HOLE_BLOCK && Arrays.mismatch(buf, off, off + len, ZERO_BLOCK, 0, len) < 0;
        }

        private void symlink(String name, Path dest, String target, RawHeaderNames raw, FileTime mtime) {
            boolean bytes = raw != null && RawNames.isLossyInTar(target);
            String checked = bytes ? latin1(raw.link()) : target;
            if (checked == null || checked.isEmpty() || checked.indexOf('\0') >= 0) {
                throw unsafe(name, "it is a symbolic link without a valid target");
            }
            try {
                Files.createSymbolicLink(dest, bytes ? RawNames.linkTarget(raw.link()) : Path.of(target));
            } catch (FileAlreadyExistsException e) {
                throw unsafe(name, "a file, folder or link of that name is already in the target (duplicate entry?)");
            } catch (IllegalArgumentException e) {
                throw unsafe(name, "its link target is not a valid path here");
            } catch (IOException e) {
                throw writeFailed(dest, e);
            }
            fileCount++;
            setTimes(dest, mtime);
        }

        /** A hard link may only point to a file extracted from this archive: one inside the target, reached without links. */
        private void hardLink(String name, Path dest, String target, RawHeaderNames raw) {
            boolean bytes = raw != null && RawNames.isLossyInTar(target);
            String t = target == null ? "" : target;
            List<String> segments;
            Path to;
            try {
                segments = checkName(t, bytes ? latin1(raw.link()) : t, bytes);
                to = segments.isEmpty() ? root : resolve(t, segments, bytes);
            } catch (UnsafeArchiveException e) {
                throw unsafe(name, "it is a hard link to '" + target + "', which is not an entry of this archive");
            }
            if (segments.isEmpty()) {
                throw unsafe(name, "it is a hard link to the target folder itself");
            }
            if (selection != null) {
                segments = selection.within(segments, bytes);
                if (segments == null) {
                    throw new UnableToRestoreMediaException("Cannot restore " + name + " from " + artifact
                            + ": it is a hard link to '" + target + "', outside " + selection.path()
                            + "; restore a folder that holds both");
                }
                to = resolve(t, segments, bytes);
            }
            Path current = root;
            int base = root.getNameCount();
            for (int i = base; i < to.getNameCount(); i++) {
                current = current.resolve(to.getName(i));
                BasicFileAttributes attrs = lstat(current);
                boolean last = i == to.getNameCount() - 1;
                if (attrs == null || attrs.isSymbolicLink() || (last ? !attrs.isRegularFile() : !attrs.isDirectory())) {
                    throw unsafe(
                            name, "it is a hard link to '" + target + "', which is not a file extracted before it");
                }
            }
            try {
                Files.createLink(dest, current);
            } catch (FileAlreadyExistsException e) {
                throw unsafe(name, "a file, folder or link of that name is already in the target (duplicate entry?)");
            } catch (IOException e) {
                throw writeFailed(dest, e);
            }
            fileCount++;
        }

        private void fifo(String name, Path dest, FileTime mtime, int mode) {
            if (lstat(dest) != null) {
                throw unsafe(name, "a file, folder or link of that name is already in the target (duplicate entry?)");
            }
            Fifos.create(dest, artifact);
            // held open for reading and writing, so that setting its attributes does not wait for a writer
            try (FileChannel hold = FileChannel.open(
                    dest, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                setAttributes(dest, mode, mtime);
            } catch (IOException e) {
                throw writeFailed(dest, e);
            }
            fileCount++;
        }

        private int readEntry() {
            try {
                return tarIn.read(buffer, 0, buffer.length);
            } catch (IOException | RuntimeException e) {
                throw corrupt("cannot read entry content", e);
            }
        }

        private void drain() {
            try {
                guard.drain(buffer);
            } catch (IOException | RuntimeException e) {
                throw corrupt("cannot read the end of the archive", e);
            }
        }

        private void applyDirectoryAttributes() {
            List<Map.Entry<Path, DirMeta>> all = new ArrayList<>(dirs.entrySet());
            for (ListIterator<Map.Entry<Path, DirMeta>> it = all.listIterator(all.size()); it.hasPrevious(); ) {
                Map.Entry<Path, DirMeta> e = it.previous();
                Path dir = e.getKey();
                BasicFileAttributes attrs = lstat(dir);
                if (attrs == null || attrs.isSymbolicLink() || !attrs.isDirectory()) {
                    throw unsafe(root.relativize(dir) + "/", "the extracted folder was replaced by a link or a file");
                }
                setAttributes(dir, e.getValue().permissions(), e.getValue().mtime());
            }
        }

        /** Mode bits and time of an entry this run created (never a link: those are checked before). */
        private void setAttributes(Path path, int mode, FileTime mtime) {
            if (unix) {
                try {
                    Files.setAttribute(path, "unix:mode", mode);
                } catch (IOException e) {
                    throw writeFailed(path, e);
                }
            }
            setTimes(path, mtime);
        }

        private void setTimes(Path path, FileTime mtime) {
            if (mtime != null) {
                try {
                    Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setTimes(mtime, now, null);
                } catch (IOException | RuntimeException e) {
                    timesNotSet.incrementAndGet();
                    LOG.debug("Cannot set the modification time of {}", path, e);
                }
            }
        }

        private BackupException writeFailed(Path path, IOException e) {
            if (SafeListener.isCancellation(e)) {
                return new BackupCancelledException("Extracting " + artifact + " was cancelled", e);
            }
            String reason = e instanceof java.nio.file.FileSystemException fse ? fse.getReason() : e.getMessage();
            if (reason != null && reason.contains("No space left on device")) {
                return new UnableToRestoreMediaException(
                        "Not enough space to extract " + artifact + " into " + root + " (No space left on device after "
                                + fileCount + " files, " + totalBytes + " bytes; files and folders take more room"
                                + " than their content). What was extracted is removed again; free space on that file"
                                + " system and retry",
                        e);
            }
            if (reason != null && reason.contains("File name too long")) {
                return new UnableToRestoreMediaException(
                        "Cannot write " + path + " while extracting " + artifact + ": the path is longer than this"
                                + " file system allows; restore into a media folder with a shorter path than " + root,
                        e);
            }
            return new UnableToRestoreMediaException(
                    "Cannot write " + path + " while extracting " + artifact + ": " + e
                            + "; check free space and permissions of " + root,
                    e);
        }

        private BasicFileAttributes lstat(Path path) {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw writeFailed(path, e);
            }
        }

        /** Removes what this run extracted, never following links; keeps the first failure as the cause. */
        private void removeExtracted(boolean createdRoot) {
            try {
                FileTrees.delete(root, !createdRoot);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not remove the partly extracted media in {}; delete it by hand", root, e);
            }
        }
    }
}
