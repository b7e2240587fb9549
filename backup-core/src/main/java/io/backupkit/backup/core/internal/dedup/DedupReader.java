package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.core.internal.archive.TarHeader;
import io.backupkit.backup.core.internal.archive.TarWriter;
import io.backupkit.backup.spi.BackupStorage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads dedup backups: a dump's bytes from its chunk list, a media tree as a tar stream (which the
 * engine's extractor checks and unpacks as it does an archive backup's), and deep checks.
 */
public final class DedupReader {
    private final BackupStorage storage;
    private final Repository.LoadedIndex index;

    /** Reads the index of the location; fails when it holds no dedup repository. */
    public DedupReader(BackupStorage storage, io.backupkit.backup.spi.Encryption encryption) {
        this.storage = storage;
        Repository repository = Repository.open(storage, encryption)
                .orElseThrow(() -> new io.backupkit.backup.IncompleteBackupException(
                        Repository.CONFIG,
                        storage.describe() + " has no " + Repository.CONFIG
                                + ": its dedup backups cannot be read; nothing was changed"));
        this.index = repository.loadIndex();
    }

    /** The chunks that a dump list names, in order. */
    public DumpChunks readDumpList(InputStream list, String listName) throws IOException {
        DumpChunks chunks = new DumpChunks();
        DumpList.read(list, listName, chunks::add);
        return chunks;
    }

    /** The dump's bytes, fetched ahead and each chunk checked as it is read. */
    public DumpStream openDump(DumpChunks chunks, String backup) {
        return new DumpStream(storage, index, chunks, backup);
    }

    /** Reads every chunk of a dump; returns what is wrong (empty: all chunks are whole). */
    public List<String> checkDump(DumpChunks dump, String backup) throws IOException {
        List<String> problems = new ArrayList<>();
        Set<ChunkId> seen = new HashSet<>();
        try (ChunkReader chunks = new ChunkReader(storage, index, backup)) {
            for (int i = 0; i < dump.count(); i++) {
                check(chunks, dump.get(i), seen, problems);
            }
        }
        return problems;
    }

    /** Writes the media folder that {@code tree} describes as a POSIX tar to {@code out} (not closed). */
    public void writeMediaTar(InputStream tree, String treeName, String backup, OutputStream out) throws IOException {
        writeMediaTar(tree, treeName, backup, out, path -> true);
    }

    /**
     * {@link #writeMediaTar} of the entries whose path {@code include} accepts (as text, bytes that
     * are not UTF-8 shown as U+FFFD; the extractor's selection compares the bytes); the others' chunks are
     * not read. The tar is the archive format's own (times to the nanosecond, all mode bits); a file
     * that was a hard link of one written before (same inode and device, same chunks) is written as
     * a hard link to it.
     */
    public void writeMediaTar(
            InputStream tree, String treeName, String backup, OutputStream out, Predicate<String> include)
            throws IOException {
        OutputStream buffered = new BufferedOutputStream(out, 1 << 16); // not closed: the caller closes out
        TarWriter tar = new TarWriter(buffered);
        Map<List<Long>, MediaTree.Entry> linked = new HashMap<>();
        try (ChunkReader chunks = new ChunkReader(storage, index, backup)) {
            MediaTree.read(tree, treeName, e -> {
                if (!include.test(e.name())) {
                    return;
                }
                if (e.type() == MediaTree.DIRECTORY) {
                    tar.putEntry(header(slash(e.path()), TarHeader.DIRECTORY, e, 0, NO_LINK));
                } else if (e.type() == MediaTree.SYMLINK) {
                    tar.putEntry(header(e.path(), TarHeader.SYMLINK, e, 0, e.linkTarget()));
                } else {
                    MediaTree.Entry first =
                            e.inode() == 0 ? null : linked.putIfAbsent(List.of(e.device(), e.inode()), e);
                    if (first != null && first.chunks().equals(e.chunks())) {
                        tar.putEntry(header(e.path(), TarHeader.HARD_LINK, e, 0, first.path()));
                    } else {
                        tar.putEntry(header(e.path(), TarHeader.FILE, e, e.size(), NO_LINK));
                        for (ChunkRef ref : e.chunks()) {
                            chunks.read(ref, tar::write);
                        }
                    }
                }
                tar.closeEntry();
            });
        }
        tar.finish();
        buffered.flush();
    }

    private static final byte[] NO_LINK = new byte[0];

    private static TarHeader header(byte[] name, byte type, MediaTree.Entry e, long size, byte[] link) {
        return new TarHeader(name, type, e.mode() & 07777, size, e.mtimeSeconds(), e.mtimeNanos(), link);
    }

    private static byte[] slash(byte[] name) {
        byte[] dir = Arrays.copyOf(name, name.length + 1);
        dir[name.length] = '/';
        return dir;
    }

    /** Reads every chunk a dump list names; returns what is wrong (empty: all chunks are whole). */
    public List<String> checkDump(InputStream list, String listName, String backup) throws IOException {
        List<String> problems = new ArrayList<>();
        Set<ChunkId> seen = new HashSet<>();
        try (ChunkReader chunks = new ChunkReader(storage, index, backup)) {
            DumpList.read(list, listName, ref -> check(chunks, ref, seen, problems));
        }
        return problems;
    }

    /** Reads every chunk a media tree names; returns what is wrong. */
    public List<String> checkMedia(InputStream tree, String treeName, String backup) throws IOException {
        List<String> problems = new ArrayList<>();
        Set<ChunkId> seen = new HashSet<>();
        try (ChunkReader chunks = new ChunkReader(storage, index, backup)) {
            MediaTree.read(tree, treeName, e -> {
                for (ChunkRef ref : e.chunks()) {
                    check(chunks, ref, seen, problems);
                }
            });
        }
        return problems;
    }

    private static void check(ChunkReader chunks, ChunkRef ref, Set<ChunkId> seen, List<String> problems)
            throws IOException {
        if (!seen.add(ref.id())) {
            return;
        }
        try {
            chunks.read(ref, (b, off, len) -> {});
        } catch (BackupException e) {
            if (problems.size() < 100) {
                problems.add(e.getMessage());
            }
        }
    }
}
