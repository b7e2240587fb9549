package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.core.internal.archive.MediaEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What a dedup backup holds, read from its media tree and dump list alone (no chunk is read): for
 * comparing two backups. Paths are text as a tar listing gives them: bytes that are not UTF-8 show
 * as U+FFFD.
 */
public final class DedupListing {
    private DedupListing() {}

    /** Passes every entry of a media tree to {@code sink}; a file's content is named by its chunk ids. */
    public static void listMedia(InputStream tree, String treeName, MediaEntry.Sink sink) throws IOException {
        MediaTree.read(tree, treeName, e -> {
            Instant mtime = Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos());
            MediaEntry entry =
                    switch (e.type()) {
                        case MediaTree.DIRECTORY -> new MediaEntry(
                                e.name(), MediaEntry.Type.FOLDER, 0, e.mode(), mtime, "");
                        case MediaTree.SYMLINK -> new MediaEntry(
                                e.name(), MediaEntry.Type.SYMLINK, 0, e.mode(), mtime, target(e.linkTarget()));
                        default -> new MediaEntry(
                                e.name(), MediaEntry.Type.FILE, e.size(), e.mode(), mtime, chunksDigest(e.chunks()));
                    };
            sink.entry(entry);
        });
    }

    /** A link target as text; one that is not UTF-8 as its bytes in hex, so another target never equals it. */
    private static String target(byte[] bytes) {
        String text = MediaTree.Entry.name(bytes);
        return Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)
                ? text
                : HexFormat.of().formatHex(bytes);
    }

    private static String chunksDigest(List<ChunkRef> chunks) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (ChunkRef r : chunks) {
            sha.update(r.id().bytes());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Reads a dump list: the dump's chunks in order. */
    public static DumpChunks dumpChunks(InputStream list, String listName) throws IOException {
        List<ChunkRef> refs = new ArrayList<>();
        long total = DumpList.read(list, listName, refs::add);
        return new DumpChunks(refs, total);
    }

    /** The chunks of one dump, in order. */
    public static final class DumpChunks {
        private final List<ChunkRef> refs;
        private final long bytes;

        private DumpChunks(List<ChunkRef> refs, long bytes) {
            this.refs = refs;
            this.bytes = bytes;
        }

        /** The dump's length. */
        public long bytes() {
            return bytes;
        }

        /** Whether both dumps are the same chunks in the same order. */
        public boolean sameAs(DumpChunks other) {
            return refs.equals(other.refs);
        }

        /** Bytes of the chunks of this dump that {@code older} does not hold, each chunk counted once. */
        public long newBytesAgainst(DumpChunks older) {
            Set<ChunkId> known = new HashSet<>();
            older.refs.forEach(r -> known.add(r.id()));
            long n = 0;
            for (ChunkRef r : refs) {
                if (known.add(r.id())) {
                    n += r.length();
                }
            }
            return n;
        }
    }
}
