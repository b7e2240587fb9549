package io.backupkit.backup.core.archive;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import io.backupkit.backup.UnableToArchiveMediaException;
import io.backupkit.backup.core.pipeline.CompressionHints;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the media folder as a POSIX/PAX tar to a stream, with bounded memory (one copy buffer plus the
 * sorted listing of the folders on the current path).
 *
 * <p>What goes in: regular files and folders only, in a deterministic order (names sorted, each folder
 * before its contents, empty folders kept). Names with a backslash or bytes that are not UTF-8 are skipped
 * and reported like links, since a restore could not write them back as they were. Entry names are relative and '/'-separated; long and non-ASCII
 * names and files over 8 GiB are written with PAX headers. Each entry keeps its modification time (to the
 * second) and permission bits; setuid, setgid and sticky bits, owners and group names are never written
 * (uid/gid 0, empty names). A file with several hard links is archived once per name, as regular files.
 *
 * <p>What stays out: symbolic links (to files or folders, inside or outside the folder), sockets, FIFOs and
 * devices are never followed and never archived; each is reported through {@link BackupListener#warning}
 * and listed in {@link MediaInfo#skipped()} (the first {@value #MAX_SKIPPED_LISTED} of them). Paths matching
 * an exclude glob (relative to the media folder, e.g. {@code cache/**}) and the excluded folders (e.g. the
 * backup folder when it lies inside the media folder) are left out silently. The media folder itself may be
 * a link (it is configuration); nothing below it is followed.
 *
 * <p>A file that changes while it is read: a tar header carries the size before the content, and the header
 * has already been written when the change is seen. The archiver therefore never tears the archive: it
 * writes exactly the header's size (the first bytes read, padded with zeros when the file shrank, cut when it
 * grew), and a file whose size or modification time differ after reading, or that shrank or grew while being
 * read, is reported as {@code "changed while read: <path>"} in {@link MediaInfo#skipped()} and through
 * {@link BackupListener#warning}. Such an entry is in the archive but its content must not be trusted.
 *
 * <p>Compression: when the stream takes {@link CompressionHints} (zstd), the first block read of each file
 * of at least {@value #HINTED_SIZE} bytes is offered as a sample before its content, so that content that
 * does not compress (photos, video, archives) is stored as it is; smaller files and headers go with the
 * file before them.
 *
 * <p>Failures: a missing, non-folder or unreadable media folder, or an unreadable file or folder inside it,
 * throw {@link UnableToArchiveMediaException} naming the path. Not thread-safe: one {@code write} at a time.
 */
public final class MediaArchiver {
    /** How many skipped entries {@link MediaInfo#skipped()} lists at most. */
    static final int MAX_SKIPPED_LISTED = 200;

    /** Files from this size on get a compression hint of their own. */
    static final int HINTED_SIZE = 64 << 10;

    private static final byte[] ZEROS = new byte[TarFormat.BUFFER_SIZE];

    private final Path mediaDir;
    private final List<PathMatcher> excludes;
    private final List<Path> excludedDirs;
    private final SafeListener listener;

    // per write()
    private final byte[] buffer = new byte[TarFormat.BUFFER_SIZE];
    private final List<String> skipped = new ArrayList<>();
    private long skippedCount;
    private long fileCount;
    private long directoryCount;
    private long totalBytes;
    private boolean posix = true;
    private CompressionHints hints;

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

    private static List<PathMatcher> compile(List<String> globs) {
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
                        "BACKUP_MEDIA_EXCLUDE",
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
        skippedCount = 0;
        fileCount = 0;
        directoryCount = 0;
        totalBytes = 0;
        listener.reset();
        Path root = checkRoot();
        ExcludedDirs excluded = excludedDirs(root);
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
            listener.warning(more + " more media entries were skipped (links, special files or changed files)");
        }
        return new MediaInfo(fileCount, directoryCount, totalBytes, skipped);
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
                    "The media folder " + mediaDir + " does not exist; check BACKUP_MEDIA_DIR", e);
        } catch (IOException e) {
            throw new UnableToArchiveMediaException(
                    "The media folder " + mediaDir + " cannot be read (" + e + "); check BACKUP_MEDIA_DIR", e);
        }
        if (!attrs.isDirectory()) {
            throw new UnableToArchiveMediaException(
                    "The media folder " + mediaDir + " is not a folder; check BACKUP_MEDIA_DIR");
        }
        if (!Files.isReadable(mediaDir) || !Files.isExecutable(mediaDir)) {
            throw new UnableToArchiveMediaException("The media folder " + mediaDir
                    + " is not readable by this process; check BACKUP_MEDIA_DIR and its permissions");
        }
        try {
            return mediaDir.toRealPath();
        } catch (IOException e) {
            throw new UnableToArchiveMediaException(
                    "The media folder " + mediaDir + " cannot be resolved (" + e + "); check BACKUP_MEDIA_DIR", e);
        }
    }

    /** The excluded folders as paths relative to the media folder ("/"-separated). */
    private record ExcludedDirs(Set<String> relative, boolean everything) {}

    private ExcludedDirs excludedDirs(Path realRoot) {
        Set<String> relative = new HashSet<>();
        boolean everything = false;
        Path configured = mediaDir.toAbsolutePath().normalize();
        for (Path dir : excludedDirs) {
            List<Path> forms = new ArrayList<>();
            forms.add(dir.toAbsolutePath().normalize());
            try {
                forms.add(dir.toRealPath());
            } catch (IOException e) {
                // not there (yet): the lexical form is enough
            }
            for (Path form : forms) {
                for (Path base : List.of(realRoot, configured)) {
                    if (form.equals(base)) {
                        everything = true;
                    } else if (form.startsWith(base)) {
                        relative.add(slashes(base.relativize(form)));
                    }
                }
            }
        }
        return new ExcludedDirs(Set.copyOf(relative), everything);
    }

    private static String slashes(Path relative) {
        StringBuilder sb = new StringBuilder();
        for (Path part : relative) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private record Folder(Path path, String rel, Iterator<String> names) {}

    private void walk(Path root, ExcludedDirs excluded, TarWriter tar) throws IOException {
        Deque<Folder> stack = new ArrayDeque<>();
        stack.push(new Folder(root, "", list(root, true)));
        while (!stack.isEmpty()) {
            Folder folder = stack.peek();
            if (!folder.names().hasNext()) {
                stack.pop();
                continue;
            }
            SafeListener.checkCancelled("Archiving the media folder");
            String name = folder.names().next();
            String rel = folder.rel().isEmpty() ? name : folder.rel() + "/" + name;
            Path path;
            try {
                path = folder.path().resolve(name);
            } catch (InvalidPathException e) {
                throw new UnableToArchiveMediaException(
                        "Cannot read the name of " + folder.path() + "/" + name + ": "
                                + (FileNameEncoding.isUtf8() ? e.getMessage() : FileNameEncoding.advice()),
                        e);
            }
            if (excluded.relative().contains(rel) || isExcluded(rel)) {
                continue;
            }
            if (name.indexOf('\\') >= 0 || name.indexOf('\uFFFD') >= 0) {
                // a restore refuses backslashes; undecodable names cannot be written back as they were
                skip("name with a backslash or bytes that are not UTF-8 not archived: " + rel);
                continue;
            }
            BasicFileAttributes attrs = stat(path);
            if (attrs == null) {
                skip("vanished while archived: " + rel);
            } else if (attrs.isSymbolicLink()) {
                skip("symbolic link not archived: " + rel);
            } else if (attrs.isDirectory()) {
                Iterator<String> names = list(path, false);
                if (names == null) {
                    skip("vanished while archived: " + rel);
                    continue;
                }
                tar.putEntry(TarFormat.directoryEntry(rel, attrs.lastModifiedTime(), permissions(attrs)));
                tar.closeEntry();
                directoryCount++;
                stack.push(new Folder(path, rel, names));
            } else if (attrs.isRegularFile()) {
                writeFile(tar, path, rel, attrs);
            } else {
                skip("special file (socket, FIFO or device) not archived: " + rel);
            }
        }
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

    /** The sorted names in a folder; {@code null} when it vanished (never for the media folder itself). */
    private static Iterator<String> list(Path dir, boolean root) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            if (!root) {
                return null;
            }
            throw new UnableToArchiveMediaException(
                    "The media folder " + dir + " vanished while it was archived; check BACKUP_MEDIA_DIR", e);
        } catch (IOException e) {
            throw new UnableToArchiveMediaException(
                    "Cannot list the media folder " + dir + ": " + e
                            + "; check BACKUP_MEDIA_DIR and the permissions of that folder",
                    e);
        }
        names.sort(null);
        return names.iterator();
    }

    /** Attributes without following links; {@code null} when the entry vanished. */
    private BasicFileAttributes stat(Path path) {
        try {
            if (posix) {
                try {
                    return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (UnsupportedOperationException e) {
                    posix = false;
                }
            }
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UnableToArchiveMediaException(
                    "Cannot read the attributes of media entry " + path + ": " + e + "; check its permissions", e);
        }
    }

    private static int permissions(BasicFileAttributes attrs) {
        if (attrs instanceof PosixFileAttributes p) {
            return TarFormat.toBits(p.permissions());
        }
        return attrs.isDirectory() ? 0755 : 0644;
    }

    private void writeFile(TarWriter tar, Path path, String rel, BasicFileAttributes before) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            skip("vanished while archived: " + rel);
            return;
        } catch (AccessDeniedException e) {
            throw unreadable(path, e);
        } catch (IOException e) {
            BasicFileAttributes now = stat(path);
            if (now == null) {
                skip("vanished while archived: " + rel);
                return;
            }
            if (!now.isRegularFile()) {
                skip((now.isSymbolicLink() ? "symbolic link not archived: " : "special file not archived: ") + rel);
                return;
            }
            throw unreadable(path, e);
        }
        try (channel) {
            long size = channel.size();
            if (size != before.size()) {
                BasicFileAttributes again = stat(path);
                before = again != null ? again : before;
            }
            boolean changed = size != before.size();
            tar.putEntry(TarFormat.fileEntry(rel, size, before.lastModifiedTime(), permissions(before)));
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
                changed = true;
                while (done < size) {
                    int n = (int) Math.min(ZEROS.length, size - done);
                    tar.write(ZEROS, 0, n);
                    done += n;
                    totalBytes += n;
                    listener.bytes(totalBytes);
                }
            } else {
                bb.clear().limit(1);
                if (read(channel, bb, path) > 0) {
                    changed = true;
                }
            }
            tar.closeEntry();
            fileCount++;
            BasicFileAttributes after = stat(path);
            if (after == null
                    || after.size() != size
                    || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
                changed = true;
            }
            if (changed) {
                skip("changed while read: " + rel);
            }
        }
    }

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
            listener.warning("Media entry skipped or unreliable: " + what);
        }
    }
}
