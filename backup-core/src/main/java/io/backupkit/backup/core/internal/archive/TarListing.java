package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.CorruptBackupException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Lists a media archive's entries from its headers, hashing each file's content as it streams past;
 * nothing is written. Headers are bounded as the extractor bounds them; names are not checked for
 * safety (nothing is created from them).
 */
public final class TarListing {
    private TarListing() {}

    /**
     * Reads {@code tar} to its end marker (not closed) and passes every entry to {@code sink}; a hard
     * link is listed as a copy of the file it links to.
     *
     * @throws CorruptBackupException when the archive cannot be parsed
     */
    public static void list(InputStream tar, String artifactName, MediaEntry.Sink sink) {
        TarGuardInputStream guard = new TarGuardInputStream(new BufferedInputStream(tar, 1 << 16));
        TarArchiveInputStream in = new TarArchiveInputStream(guard, TarFormat.ENCODING);
        Map<String, MediaEntry> files = new HashMap<>(); // for hard links: the entries they point to
        byte[] buffer = new byte[TarFormat.BUFFER_SIZE];
        try {
            while (true) {
                guard.beginHeader(MediaExtractor.MAX_HEADER_BYTES);
                TarArchiveEntry entry;
                try {
                    entry = in.getNextEntry();
                } finally {
                    guard.endHeader();
                }
                if (entry == null) {
                    if (!guard.headerRecordIsEndMarker()) {
                        throw corrupt(artifactName, "it ends without the end-of-archive marker", null);
                    }
                    guard.drain(buffer);
                    return;
                }
                String path = relative(entry.getName());
                if (path.isEmpty()) {
                    continue; // the media folder itself
                }
                Instant mtime = entry.getLastModifiedTime().toInstant();
                int mode = entry.getMode() & 07777;
                MediaEntry e;
                if (entry.isDirectory()) {
                    e = new MediaEntry(path, MediaEntry.Type.FOLDER, 0, mode, mtime, "");
                } else if (entry.isSymbolicLink()) {
                    e = new MediaEntry(path, MediaEntry.Type.SYMLINK, 0, mode, mtime, entry.getLinkName());
                } else if (entry.isLink()) {
                    MediaEntry first = files.get(relative(entry.getLinkName()));
                    if (first == null) {
                        throw corrupt(
                                artifactName, "'" + path + "' links to a file before it that it does not hold", null);
                    }
                    e = new MediaEntry(
                            path, MediaEntry.Type.FILE, first.size(), first.mode(), first.mtime(), first.content());
                } else if (entry.isFIFO()) {
                    e = new MediaEntry(path, MediaEntry.Type.FIFO, 0, mode, mtime, "");
                } else {
                    MessageDigest sha = sha256();
                    long size = 0;
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        sha.update(buffer, 0, n);
                        size += n;
                    }
                    e = new MediaEntry(
                            path,
                            MediaEntry.Type.FILE,
                            size,
                            mode,
                            mtime,
                            HexFormat.of().formatHex(sha.digest()));
                    files.put(path, e);
                }
                while (in.read(buffer) >= 0) {
                    // the rest of an entry is read here, not within the next header's budget
                }
                sink.entry(e);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BackupException b) {
                throw b; // the stream below (digest, decryption, storage) said what is wrong
            }
            throw corrupt(artifactName, "cannot read it at byte " + guard.position() + ": " + e.getMessage(), e);
        }
    }

    /** The entry name relative to the media folder: no {@code ./} and no trailing {@code /}. */
    private static String relative(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CorruptBackupException corrupt(String artifact, String what, Exception cause) {
        return new CorruptBackupException(
                artifact,
                "The media archive " + artifact + " is corrupt (" + what + "); verify it with a deep check",
                cause);
    }
}
