package io.backupkit.backup.core.dedup;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.spi.BackupStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

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

    /** Writes the dump that {@code list} names to {@code out}; returns its length. */
    public long writeDump(InputStream list, String listName, String backup, OutputStream out) throws IOException {
        try (ChunkReader chunks = new ChunkReader(storage, index, backup)) {
            return DumpList.read(list, listName, ref -> out.write(chunks.read(ref)));
        }
    }

    /** Writes the media folder that {@code tree} describes as a POSIX tar to {@code out} (not closed). */
    public void writeMediaTar(InputStream tree, String treeName, String backup, OutputStream out) throws IOException {
        writeMediaTar(tree, treeName, backup, out, path -> true);
    }

    /** {@link #writeMediaTar} of the entries whose path {@code include} accepts; the others' chunks are not read. */
    public void writeMediaTar(
            InputStream tree, String treeName, String backup, OutputStream out, Predicate<String> include)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        try (ChunkReader chunks = new ChunkReader(storage, index, backup)) {
            MediaTree.read(tree, treeName, e -> {
                if (!include.test(e.path())) {
                    return;
                }
                TarArchiveEntry entry;
                if (e.type() == MediaTree.DIRECTORY) {
                    entry = new TarArchiveEntry(e.path() + "/");
                    entry.setMode(040000 | e.mode());
                } else if (e.type() == MediaTree.SYMLINK) {
                    entry = new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK);
                    entry.setLinkName(e.linkTarget());
                    entry.setMode(0120000 | e.mode());
                } else {
                    entry = new TarArchiveEntry(e.path());
                    entry.setMode(0100000 | e.mode());
                    entry.setSize(e.size());
                }
                entry.setLastModifiedTime(FileTime.from(Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos())));
                tar.putArchiveEntry(entry);
                for (ChunkRef ref : e.chunks()) {
                    tar.write(chunks.read(ref));
                }
                tar.closeArchiveEntry();
            });
        }
        tar.finish();
        tar.flush();
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
            chunks.read(ref);
        } catch (BackupException e) {
            if (problems.size() < 100) {
                problems.add(e.getMessage());
            }
        }
    }
}
