package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Helpers shared by the archive tests: real files, real tar streams. */
final class ArchiveTestSupport {
    private ArchiveTestSupport() {}

    /** Records warnings and progress; optionally runs an action on progress. */
    static final class RecordingListener implements BackupListener {
        final List<String> warnings = new CopyOnWriteArrayList<>();
        final List<Long> progress = new CopyOnWriteArrayList<>();
        volatile LongConsumer onProgress = bytes -> {};

        @Override
        public void progress(Phase phase, long bytesDone) {
            progress.add(bytesDone);
            onProgress.accept(bytesDone);
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }
    }

    static byte[] archive(Path media) {
        return archive(new MediaArchiver(media, List.of(), List.of(), BackupListener.NONE));
    }

    static byte[] archive(MediaArchiver archiver) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        archiver.write(out);
        return out.toByteArray();
    }

    static MediaInfo extract(byte[] tar, Path target) {
        return new MediaExtractor(ExtractLimits.defaults(), BackupListener.NONE)
                .extract(new ByteArrayInputStream(tar), target, "test.media.tar");
    }

    /** Entries of a tar, in order. */
    static List<TarArchiveEntry> entries(byte[] tar) throws IOException {
        List<TarArchiveEntry> list = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                list.add(e);
            }
        }
        return list;
    }

    static List<String> names(byte[] tar) throws IOException {
        return entries(tar).stream().map(TarArchiveEntry::getName).toList();
    }

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    static void mtime(Path path, long epochSecond) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(java.time.Instant.ofEpochSecond(epochSecond)));
    }

    /**
     * Everything under {@code dir} (not following links) as path -> description (type, size, digest, link
     * target), skipping {@code except}. Used to prove nothing was written outside a target.
     */
    static Map<String, String> snapshot(Path dir, Path except) throws IOException {
        Map<String, String> result = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return result;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (d.equals(except)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                result.put(dir.relativize(d) + "/", "dir");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (f.equals(except)) {
                    return FileVisitResult.CONTINUE;
                }
                String what = attrs.isSymbolicLink()
                        ? "link -> " + Files.readSymbolicLink(f)
                        : attrs.isRegularFile() ? "file " + sha256(Files.readAllBytes(f)) : "other";
                result.put(dir.relativize(f).toString(), what);
                return FileVisitResult.CONTINUE;
            }
        });
        return result;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds tar streams entry by entry, hostile ones included. */
    static final class TarBuilder {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar;

        TarBuilder() {
            tar = new TarArchiveOutputStream(bytes, "UTF-8");
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
        }

        TarBuilder file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
        }

        TarBuilder file(String name, byte[] content, int mode) {
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setMode(0100000 | mode);
            e.setSize(content.length);
            return add(e, content);
        }

        TarBuilder dir(String name, int mode) {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
            e.setMode(040000 | mode);
            return add(e, new byte[0]);
        }

        TarBuilder special(String name, byte type, String linkName) {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            if (linkName != null) {
                e.setLinkName(linkName);
            }
            return add(e, new byte[0]);
        }

        /** A raw PAX extended header ('x') whose records apply to the next entry. */
        TarBuilder pax(Map<String, String> records) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (Map.Entry<String, String> r : records.entrySet()) {
                byte[] kv = (" " + r.getKey() + "=" + r.getValue() + "\n").getBytes(StandardCharsets.UTF_8);
                int len = kv.length + 1;
                while (Integer.toString(len).length() + kv.length != len) {
                    len++;
                }
                data.writeBytes((len + new String(kv, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            }
            TarArchiveEntry e = new TarArchiveEntry("PaxHeaders/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, true);
            e.setSize(data.size());
            return add(e, data.toByteArray());
        }

        TarBuilder add(TarArchiveEntry e, byte[] content) {
            try {
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        byte[] build() {
            try {
                tar.finish();
                tar.close();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return bytes.toByteArray();
        }
    }
}
