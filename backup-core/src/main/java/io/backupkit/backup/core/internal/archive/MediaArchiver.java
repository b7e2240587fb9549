package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import io.backupkit.backup.Setting;
import io.backupkit.backup.UnableToArchiveMediaException;
import io.backupkit.backup.core.internal.pipeline.CompressionHints;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the media folder as a POSIX/PAX tar to a stream, with bounded memory, keeping what GNU tar
 * keeps (folders, files, links as links, FIFOs, mode bits, nanosecond times, names as their bytes;
 * never owners). The one thing to know: what a tar cannot hold (devices, sockets) and files that kept
 * changing while read are reported and listed in {@link MediaInfo}, never silently dropped or torn.
 * Failures are {@link UnableToArchiveMediaException} naming the path. Not thread-safe. Details:
 * {@code docs/NOTES-PROVIDERS.md}.
 */
public final class MediaArchiver {
    // Long on purpose: the walk, the exclusions and the retries of changed files write one tar stream.

    private static final Logger LOG = LoggerFactory.getLogger(MediaArchiver.class);

    /** How often a file that changes while it is read is read in all. */
    public static final int READ_ATTEMPTS = 3;

    /** How many skipped entries {@link MediaInfo#skipped()} lists at most. */
    static final int MAX_SKIPPED_LISTED = 200;

    /** Files from this size on get a compression hint of their own. */
    static final int HINTED_SIZE = 64 << 10;

    private static final byte[] ZEROS = new byte[TarFormat.BUFFER_SIZE];

    /** Opening a media file (one set for all: the varargs form builds a set per call). */
    private static final Set<OpenOption> READ_NOFOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    private final Path mediaDir;
    private final List<PathMatcher> excludes;
    private final List<Path> excludedDirs;
    private final SafeListener listener;

    // per write()
    private final byte[] buffer = new byte[TarFormat.BUFFER_SIZE];
    private final List<String> skipped = new ArrayList<>();
    private final List<String> changed = new ArrayList<>();
    /** The first name archived (its bytes) of each file with several links, by device and inode. */
    private final Map<Object, byte[]> hardLinks = new HashMap<>();

    private long skippedCount;
    private long changedCount;
    private long fileCount;
    private long directoryCount;
    private long totalBytes;
    private boolean unix = true;
    private final boolean utf8Names = FileNameEncoding.isUtf8();
    private CompressionHints hints;
    /** Runs before each file is opened, for tests that change it after the walk's lstat; null: none. */
    Consumer<Path> beforeOpen;

    /**
     * @param mediaDir the media folder ({@code BACKUP_MEDIA_DIR})
     * @param excludeGlobs globs relative to {@code mediaDir} with '/' separators (e.g. {@code cache/**},
     *     {@code **}{@code /*.tmp}, which also matches at the top level)
     * @param excludedDirs absolute folders to leave out (the backup folder when it lies inside the media folder)
     * @param listener gets {@code progress(MEDIA_ARCHIVE, contentBytes)} about every MiB and a warning per
     *     skipped entry
     * @throws BackupConfigurationException when a glob is malformed
     */
    public MediaArchiver(Path mediaDir, List<String> excludeGlobs, List<Path> excludedDirs, BackupListener listener) {
        this.mediaDir = Objects.requireNonNull(mediaDir, "mediaDir");
        this.excludes = compile(Objects.requireNonNull(excludeGlobs, "excludeGlobs"));
        this.excludedDirs = List.copyOf(Objects.requireNonNull(excludedDirs, "excludedDirs"));
        this.listener = new SafeListener(Objects.requireNonNull(listener, "listener"), Phase.MEDIA_ARCHIVE);
    }

    /** The media exclude globs as matchers ({@code **}/x also matches x at the top); a bad one names the setting. */
    public static List<PathMatcher> compile(List<String> globs) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            Objects.requireNonNull(glob, "excludeGlobs element");
            try {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
                if (glob.startsWith("**/") && glob.length() > 3) {
                    matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
                }
            } catch (IllegalArgumentException e) {
                throw new BackupConfigurationException(
                        Setting.MEDIA_EXCLUDE,
                        "The media exclude pattern '" + glob + "' is not a valid glob (" + e.getMessage()
                                + "); fix it, e.g. 'cache/**'",
                        e);
            }
        }
        return List.copyOf(matchers);
    }

    /**
     * Writes a POSIX/PAX tar of the media folder to {@code out}; finishes the tar but does not close {@code
     * out}.
     *
     * @return what was archived and what was skipped
     * @throws UnableToArchiveMediaException when the folder or an entry in it cannot be read, or writing fails
     */
    public MediaInfo write(OutputStream out) {
        Objects.requireNonNull(out, "out");
        skipped.clear();
        changed.clear();
        hardLinks.clear();
        skippedCount = 0;
        changedCount = 0;
        fileCount = 0;
        directoryCount = 0;
        totalBytes = 0;
        listener.reset();
        Path root = checkRoot();
        ExcludedDirs excluded = ExcludedDirs.of(mediaDir, root, excludedDirs);
        hints = CompressionHints.of(out);
        TarWriter tar = new TarWriter(out);
        try {
            if (!excluded.everything()) {
                walk(root, excluded, tar);
            }
            tar.finish();
        } catch (IOException e) {
            if (SafeListener.isCancellation(e)) {
                throw new BackupCancelledException("Archiving the media folder " + mediaDir + " was cancelled", e);
            }
            throw new UnableToArchiveMediaException(
                    "Writing the media archive of " + mediaDir + " failed: " + e.getMessage()
                            + "; check the storage and retry",
                    e);
        }
        listener.progress(totalBytes);
        if (skippedCount > MAX_SKIPPED_LISTED) {
            long more = skippedCount - MAX_SKIPPED_LISTED;
            skipped.add("(" + more + " more not listed)");
            listener.warning(more
                    + " more media entries could not be archived (devices, sockets); a restore leaves them in place");
        }
        if (changedCount > MAX_SKIPPED_LISTED) {
            long more = changedCount - MAX_SKIPPED_LISTED;
            changed.add("(" + more + " more not listed)");
            listener.warning(more + " more media files changed while they were archived");
        }
        return new MediaInfo(fileCount, directoryCount, totalBytes, skipped, changed);
    }

    /** Writes the archive of an empty media folder. */
    public static MediaInfo writeEmpty(OutputStream out) throws IOException {
        new TarWriter(out).finish();
        return new MediaInfo(0, 0, 0, List.of());
    }

    private Path checkRoot() {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(mediaDir, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new UnableToArchiveMediaException(
                    Setting.MEDIA_DIR, "The media folder " + mediaDir + " does not exist", e);
        } catch (IOException e) {
            throw new UnableToArchiveMediaException(
                    Setting.MEDIA_DIR, "The media folder " + mediaDir + " cannot be read (" + e + ")", e);
        }
        if (!attrs.isDirectory()) {
            throw new UnableToArchiveMediaException(
                    Setting.MEDIA_DIR, "The media folder " + mediaDir + " is not a folder", null);
        }
        if (!Files.isReadable(mediaDir) || !Files.isExecutable(mediaDir)) {
            throw new UnableToArchiveMediaException(
                    Setting.MEDIA_DIR,
                    "The media folder " + mediaDir + " is not readable by this process; check its permissions",
                    null);
        }
        try {
            return mediaDir.toRealPath();
        } catch (IOException e) {
            throw new UnableToArchiveMediaException(
                    Setting.MEDIA_DIR, "The media folder " + mediaDir + " cannot be resolved (" + e + ")", e);
        }
    }

    /** A folder being walked: its path, its name relative to the media folder as a string and as bytes. */
    private record Folder(Path path, String rel, byte[] relBytes, Iterator<Named> entries) {}

    private void walk(Path root, ExcludedDirs excluded, TarWriter tar) throws IOException {
        Deque<Folder> stack = new ArrayDeque<>();
        stack.push(new Folder(root, "", NO_LINK, list(root, true)));
        while (!stack.isEmpty()) {
            Folder folder = stack.peek();
            if (!folder.entries().hasNext()) {
                stack.pop();
                continue;
            }
            SafeListener.checkCancelled("Archiving the media folder");
            Named next = folder.entries().next();
            Path path = next.path();
            String name = next.name();
            String rel = folder.rel().isEmpty() ? name : folder.rel() + "/" + name;
            if (excluded.relative().contains(rel) || isExcluded(rel)) {
                continue;
            }
            if (!utf8Names && !isAscii(name)) {
                throw new UnableToArchiveMediaException(
                        "Cannot read the name of " + folder.path() + "/" + name + ": " + FileNameEncoding.advice());
            }
            Stat st = stat(path);
            if (st == null) {
                skip("vanished while archived: " + rel);
                continue;
            }
            byte[] bytes = relative(folder.relBytes(), RawNames.nameBytes(name, path));
            switch (st.type()) {
                case Stat.DIRECTORY -> {
                    Iterator<Named> entries = list(path, false);
                    if (entries == null) {
                        skip("vanished while archived: " + rel);
                        continue;
                    }
                    tar.putEntry(header(slash(bytes), TarHeader.DIRECTORY, st, 0, NO_LINK));
                    tar.closeEntry();
                    directoryCount++;
                    stack.push(new Folder(path, rel, bytes, entries));
                }
                case Stat.FILE -> {
                    byte[] first = st.nlink() > 1 ? hardLinks.get(st.key()) : null;
                    if (first != null) {
                        tar.putEntry(header(bytes, TarHeader.HARD_LINK, st, 0, first));
                        tar.closeEntry();
                        fileCount++;
                    } else if (writeFile(tar, path, rel, bytes, st) && st.nlink() > 1) {
                        hardLinks.put(st.key(), bytes);
                    }
                }
                case Stat.SYMLINK -> symlink(tar, path, rel, bytes, st);
                case Stat.FIFO -> {
                    tar.putEntry(header(bytes, TarHeader.FIFO, st, 0, NO_LINK));
                    tar.closeEntry();
                    fileCount++;
                }
                case Stat.SOCKET -> skip("socket not archived: " + rel);
                default -> skip("device file not archived: " + rel);
            }
        }
    }

    private static final byte[] NO_LINK = new byte[0];

    private static byte[] relative(byte[] folder, byte[] name) {
        if (folder.length == 0) {
            return name;
        }
        byte[] rel = java.util.Arrays.copyOf(folder, folder.length + 1 + name.length);
        rel[folder.length] = '/';
        System.arraycopy(name, 0, rel, folder.length + 1, name.length);
        return rel;
    }

    private static boolean isAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slash(byte[] name) {
        byte[] dir = java.util.Arrays.copyOf(name, name.length + 1);
        dir[name.length] = '/';
        return dir;
    }

    private static TarHeader header(byte[] name, byte type, Stat st, long size, byte[] link) {
        Instant t = st.mtime().toInstant();
        int mode = type == TarHeader.SYMLINK ? 0777 : st.mode() & 07777;
        return new TarHeader(name, type, mode, size, t.getEpochSecond(), t.getNano(), link);
    }

    private void symlink(TarWriter tar, Path path, String rel, byte[] bytes, Stat st) throws IOException {
        Path target;
        try {
            target = Files.readSymbolicLink(path);
        } catch (NoSuchFileException | java.nio.file.NotLinkException e) {
            skip("vanished while archived: " + rel);
            return;
        }
        tar.putEntry(header(bytes, TarHeader.SYMLINK, st, 0, RawNames.targetBytes(target)));
        tar.closeEntry();
        fileCount++;
    }

    private boolean isExcluded(String rel) {
        if (excludes.isEmpty()) {
            return false;
        }
        Path relPath = Path.of(rel);
        for (PathMatcher m : excludes) {
            if (m.matches(relPath)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The entries of a folder sorted by name; {@code null} when it vanished (never for the media folder
     * itself). The paths are the listing's own, so a name keeps its bytes.
     */
    private static Iterator<Named> list(Path dir, boolean root) {
        List<Named> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                entries.add(new Named(entry.getFileName().toString(), entry));
            }
        } catch (NoSuchFileException e) {
            if (!root) {
                return null;
            }
            throw new UnableToArchiveMediaException(
                    Setting.MEDIA_DIR, "The media folder " + dir + " vanished while it was archived", e);
        } catch (IOException e) {
            throw new UnableToArchiveMediaException(
                    "Cannot list the media folder " + dir + ": " + e + "; check the permissions of that folder", e);
        }
        entries.sort(null);
        return entries.iterator();
    }

    /** A folder entry and its name, sorted by name. */
    private record Named(String name, Path path) implements Comparable<Named> {
        @Override
        public int compareTo(Named o) {
            return name.compareTo(o.name);
        }
    }

    /** Attributes without following links; {@code null} when the entry vanished. */
    private Stat stat(Path path) {
        try {
            if (unix) {
                try {
                    return Stat.read(path);
                } catch (UnsupportedOperationException | IllegalArgumentException e) {
                    unix = false;
                }
            }
            return Stat.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UnableToArchiveMediaException(
                    "Cannot read the attributes of media entry " + path + ": " + e + "; check its permissions", e);
        }
    }

    /**
     * Archives one file, reading it again (as a later entry of the same name, which replaces the
     * earlier one on extraction) when it changed while it was read, at most {@value #READ_ATTEMPTS}
     * times. Returns whether an entry was written.
     */
    private boolean writeFile(TarWriter tar, Path path, String rel, byte[] name, Stat before) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Attempt a = readOnce(tar, path, name, before);
            if (a == null) {
                if (attempt == 1) {
                    skip("vanished while archived: " + rel);
                    return false;
                }
                changed(rel);
                return true;
            }
            if (attempt == 1) {
                fileCount++;
            }
            if (!a.changed()) {
                return true;
            }
            if (a.after() == null || attempt == READ_ATTEMPTS) {
                changed(rel);
                return true;
            }
            LOG.debug("{} changed while it was read; reading it again", rel);
            before = a.after();
        }
    }

    /** One read of a file into one entry; {@code null} when the file vanished before it was opened. */
    private Attempt readOnce(TarWriter tar, Path path, byte[] name, Stat before) throws IOException {
        if (beforeOpen != null) {
            beforeOpen.accept(path);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, READ_NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        } catch (AccessDeniedException e) {
            throw unreadable(path, e);
        } catch (IOException e) {
            Stat now = stat(path);
            if (now == null || now.type() != Stat.FILE) {
                return null; // replaced by a link or a special file meanwhile: gone as a file
            }
            throw unreadable(path, e);
        }
        try (channel) {
            // the size the walk saw: a file that changed since then is caught by the checks below
            // (fewer bytes, more bytes, or another size, time or change time afterwards); no fstat
            long size = before.size();
            boolean changed = false;
            tar.putEntry(header(name, TarHeader.FILE, before, size, NO_LINK));
            long done = 0;
            ByteBuffer bb = ByteBuffer.wrap(buffer);
            while (done < size) {
                bb.clear().limit((int) Math.min(buffer.length, size - done));
                int n = read(channel, bb, path);
                if (n < 0) {
                    break;
                }
                SafeListener.checkCancelled("Archiving the media folder");
                if (done == 0 && hints != null && size >= HINTED_SIZE) {
                    hints.nextLike(buffer, 0, n);
                }
                tar.write(buffer, 0, n);
                done += n;
                totalBytes += n;
                listener.bytes(totalBytes);
            }
            if (done < size) {
                // the file shrank: the header's size must still be met; a later entry replaces this one
                changed = true;
                while (done < size) {
                    int n = (int) Math.min(ZEROS.length, size - done);
                    tar.write(ZEROS, 0, n);
                    done += n;
                    totalBytes += n;
                }
            } else {
                bb.clear().limit(1);
                if (read(channel, bb, path) > 0) {
                    changed = true;
                }
            }
            tar.closeEntry();
            Stat after = stat(path);
            // another file renamed over it since the walk: a new inode, even when size and times match (a
            // change time has the kernel's tick as its resolution)
            if (after == null
                    || !Objects.equals(after.key(), before.key())
                    || after.size() != size
                    || !after.mtime().equals(before.mtime())
                    || !Objects.equals(after.ctime(), before.ctime())) {
                changed = true;
            }
            return new Attempt(changed, after);
        }
    }

    private record Attempt(boolean changed, Stat after) {}

    private static int read(FileChannel channel, ByteBuffer bb, Path path) {
        try {
            return channel.read(bb);
        } catch (IOException e) {
            throw unreadable(path, e);
        }
    }

    private static BackupException unreadable(Path path, IOException e) {
        if (SafeListener.isCancellation(e)) {
            return new BackupCancelledException("Archiving the media folder was cancelled while reading " + path, e);
        }
        return new UnableToArchiveMediaException(
                "Cannot read the media file " + path + ": " + e + "; check its permissions or exclude it", e);
    }

    private void skip(String what) {
        skippedCount++;
        if (skippedCount <= MAX_SKIPPED_LISTED) {
            skipped.add(what);
            listener.warning("Media entry not in the backup (a restore leaves it in place): " + what);
        }
    }

    private void changed(String rel) {
        changedCount++;
        if (changedCount <= MAX_SKIPPED_LISTED) {
            changed.add(rel);
            listener.warning("Media file changed while it was archived, " + READ_ATTEMPTS + " times: " + rel
                    + "; the backup holds a copy that may be torn (stop the writer or exclude the file)");
        }
    }
}
