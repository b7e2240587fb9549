package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import io.backupkit.backup.UnableToArchiveMediaException;
import io.backupkit.backup.core.internal.archive.ExcludedDirs;
import io.backupkit.backup.core.internal.archive.FileNameEncoding;
import io.backupkit.backup.core.internal.archive.RawNames;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Walks the media folder into a {@link MediaTree}: folders, regular files and symbolic links (other
 * entries are reported and left out). A file whose size, mtime, inode, device and ctime are those
 * of the previous backup, and whose chunks are all stored, is not read again: its chunk list is
 * taken over. Small files are one chunk; larger ones are cut by the media chunker. Hard links are
 * listed once per name with their inode; the restore links them again. Names and link targets are
 * kept as the file system's bytes, as the archive format keeps them.
 */
final class MediaWalker {
    private static final String ATTRIBUTES = "unix:mode,ino,dev,ctime,size,lastModifiedTime";
    private static final int MAX_LISTED = 200;

    private final Path mediaDir;
    private final List<PathMatcher> excludes;
    private final List<Path> excludedDirs;
    private final Map<String, MediaTree.Entry> previous;
    private final ChunkStore store;
    private final FastCdc cdc;
    private final BackupListener listener;
    private final BooleanSupplier cancelled;
    private final byte[] chunkBuffer;
    private final boolean utf8Names = FileNameEncoding.isUtf8();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> changed = new ArrayList<>();
    private Set<String> excludedRelative;
    private long files;
    private long folders;
    private long bytes;
    private long reused;

    MediaWalker(
            Path mediaDir,
            List<String> excludeGlobs,
            List<Path> excludedDirs,
            Map<String, MediaTree.Entry> previous,
            ChunkStore store,
            FastCdc cdc,
            BackupListener listener,
            BooleanSupplier cancelled) {
        this.mediaDir = mediaDir;
        this.excludes = io.backupkit.backup.core.internal.archive.MediaArchiver.compile(excludeGlobs);
        this.excludedDirs = excludedDirs;
        this.previous = previous;
        this.store = store;
        this.cdc = cdc;
        this.listener = listener;
        this.cancelled = cancelled;
        this.chunkBuffer = ChunkingOutputStream.buffer(cdc);
    }

    /** Files whose chunk list was taken over from the previous backup. */
    long reused() {
        return reused;
    }

    MediaInfo walk(MediaTree tree) throws IOException {
        Path root = mediaDir.toRealPath();
        ExcludedDirs excluded = ExcludedDirs.of(mediaDir, root, excludedDirs);
        excludedRelative = excluded.relative();
        if (excluded.everything()) {
            return new MediaInfo(0, 0, 0, List.of());
        }
        walkDir(root, "", new byte[0], tree);
        listener.progress(Phase.MEDIA_ARCHIVE, bytes);
        return new MediaInfo(files, folders, bytes, skipped, changed);
    }

    /** A folder's entry: its path, its name as text and as the file system's bytes. */
    private record Child(Path path, String name, byte[] bytes) {}

    private void walkDir(Path dir, String rel, byte[] relBytes, MediaTree tree) throws IOException {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                children.add(new Child(p, name, RawNames.nameBytes(name, p)));
            }
        }
        children.sort((a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes()));
        for (Child c : children) {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new BackupCancelledException("Archiving the media folder " + mediaDir + " was cancelled", null);
            }
            Path child = c.path();
            String name = c.name();
            String childRel = rel.isEmpty() ? name : rel + "/" + name;
            byte[] childBytes = relative(relBytes, c.bytes());
            if (excluded(childRel)) {
                continue;
            }
            if (!utf8Names && !isAscii(name)) {
                throw new UnableToArchiveMediaException(
                        "Cannot read the name of " + dir + "/" + name + ": " + FileNameEncoding.advice());
            }
            Map<String, Object> a;
            try {
                a = Files.readAttributes(child, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException gone) {
                continue; // deleted meanwhile: not part of this backup
            }
            int mode = (Integer) a.get("mode");
            int type = mode & 0170000;
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            long seconds = mtime.to(TimeUnit.SECONDS);
            int nanos = (int) (mtime.to(TimeUnit.NANOSECONDS) - TimeUnit.SECONDS.toNanos(seconds));
            if (type == 040000) {
                tree.add(new MediaTree.Entry(
                        MediaTree.DIRECTORY, childBytes, mode & 07777, seconds, nanos, 0, 0, 0, 0, null, List.of()));
                folders++;
                walkDir(child, childRel, childBytes, tree);
            } else if (type == 0120000) {
                byte[] target = RawNames.targetBytes(Files.readSymbolicLink(child));
                tree.add(new MediaTree.Entry(
                        MediaTree.SYMLINK, childBytes, mode & 07777, seconds, nanos, 0, 0, 0, 0, target, List.of()));
                files++;
            } else if (type == 0100000) {
                long size = (Long) a.get("size");
                long ino = (Long) a.get("ino");
                long dev = (Long) a.get("dev");
                long ctime = ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
                MediaTree.Entry before = previous.get(MediaTree.Entry.key(childBytes));
                List<ChunkRef> chunks;
                if (before != null
                        && before.sameFile(size, seconds, nanos, ino, dev, ctime)
                        && before.chunks().stream().allMatch(r -> store.index().contains(r.id()))) {
                    chunks = before.chunks();
                    reused++;
                } else {
                    chunks = read(child, childRel, size, mtime);
                    size = chunks.stream().mapToLong(ChunkRef::length).sum();
                }
                tree.add(new MediaTree.Entry(
                        MediaTree.FILE, childBytes, mode & 07777, seconds, nanos, size, ino, dev, ctime, null, chunks));
                files++;
                bytes += size;
                listener.progress(Phase.MEDIA_ARCHIVE, bytes);
            } else {
                String what = type == 010000 ? "FIFO" : type == 0140000 ? "socket" : "device or special file";
                note(skipped, what + ": " + childRel);
                listener.warning("Media entry " + childRel + " (" + what + ") cannot be held by a dedup backup;"
                        + " a restore leaves it in place");
            }
        }
    }

    private List<ChunkRef> read(Path file, String rel, long size, FileTime mtime) throws IOException {
        List<ChunkRef> chunks = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (size < 2L * cdc.min()) {
                byte[] all = new byte[(int) size];
                ByteBuffer bb = ByteBuffer.wrap(all);
                while (bb.hasRemaining() && ch.read(bb) > 0) {
                    // read it whole
                }
                int n = bb.position();
                if (ch.read(ByteBuffer.allocate(1)) > 0) {
                    return readChunked(ch, file, rel, chunks); // it grew: chunk it from where it is
                }
                chunks.add(new ChunkRef(store.put(all, 0, n), n));
            } else {
                readChunked(ch, file, rel, chunks);
            }
        } catch (NoSuchFileException e) {
            throw new UnableToArchiveMediaException("Media file " + rel + " was deleted while it was read; retry", e);
        } catch (InterruptedIOException | java.nio.channels.ClosedByInterruptException e) {
            throw new BackupCancelledException("Archiving the media folder " + mediaDir + " was cancelled", e);
        }
        Map<String, Object> after = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        if (!mtime.equals(after.get("lastModifiedTime"))
                || chunks.stream().mapToLong(ChunkRef::length).sum() != (Long) after.get("size")) {
            note(changed, rel);
            listener.warning("Media file " + rel + " changed while it was read; the backup holds what was read");
        }
        return chunks;
    }

    private List<ChunkRef> readChunked(FileChannel ch, Path file, String rel, List<ChunkRef> chunks)
            throws IOException {
        ch.position(0);
        chunks.clear();
        try (ChunkingOutputStream out =
                new ChunkingOutputStream(cdc, store, (id, len) -> chunks.add(new ChunkRef(id, len)), chunkBuffer)) {
            while (out.readFrom(ch) > 0) {
                if (cancelled.getAsBoolean()) {
                    throw new BackupCancelledException(
                            "Archiving the media folder " + mediaDir + " was cancelled", null);
                }
            }
        }
        return chunks;
    }

    private boolean excluded(String rel) {
        if (excludedRelative.contains(rel)) {
            return true;
        }
        Path p = Path.of(rel);
        return excludes.stream().anyMatch(m -> m.matches(p));
    }

    private static byte[] relative(byte[] folder, byte[] name) {
        if (folder.length == 0) {
            return name;
        }
        byte[] rel = Arrays.copyOf(folder, folder.length + 1 + name.length);
        rel[folder.length] = '/';
        System.arraycopy(name, 0, rel, folder.length + 1, name.length);
        return rel;
    }

    private static boolean isAscii(String name) {
        return name.chars().allMatch(ch -> ch < 0x80);
    }

    private static void note(List<String> list, String what) {
        if (list.size() < MAX_LISTED) {
            list.add(what);
        }
    }
}
