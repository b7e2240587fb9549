package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Phase;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.core.internal.archive.FileTrees;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A media folder holding what GNU tar and restic keep (links in and out of the folder and dangling, hard
 * links, a sparse file, backslash and non-UTF-8 names and link targets, mode 000/4755/2755/1777, nanosecond
 * times, a FIFO, a device) through create -> change -> restore of the public API on filesystem storage, compared
 * entry by entry with names and link targets as bytes; and the same archive read by GNU tar.
 */
class MediaFidelityTest {
    private static final long SPARSE_SIZE = 256L << 20;
    private static final int SPARSE_BLOCKS = 191; // 764 KiB of data in 4 KiB pieces

    @TempDir
    Path tmp;

    Path media;
    Path outside;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    volatile Runnable onMediaProgress = () -> {};

    @BeforeEach
    void mediaFolder() throws Exception {
        media = tmp.resolve("media");
        outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("secret.txt"), "outside the media folder");

        Files.createDirectories(media.resolve("files"));
        Files.writeString(media.resolve("files/plain.txt"), "plain content");
        Files.createDirectories(media.resolve("links"));
        Files.createSymbolicLink(media.resolve("links/in-file"), Path.of("../files/plain.txt"));
        Files.createSymbolicLink(media.resolve("links/in-dir"), Path.of("../files"));
        Files.createSymbolicLink(media.resolve("links/out-abs"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(media.resolve("links/out-rel"), Path.of("../../outside"));
        Files.createSymbolicLink(media.resolve("links/dangling"), Path.of("nowhere/at/all"));
        Files.createDirectories(media.resolve("hard"));
        Files.writeString(media.resolve("hard/a"), "one inode, two names");
        Files.createLink(media.resolve("hard/b"), media.resolve("hard/a"));
        sparse(media.resolve("sparse.img"));
        Files.writeString(media.resolve("back\\slash.txt"), "backslash");
        Files.writeString(raw(media, "not-utf8-%FF%FE.txt"), "latin-1 name");
        Files.writeString(raw(media.resolve("files"), "caf%E9.txt"), "latin-1 name in a folder");
        Files.createDirectories(raw(media, "dir-%E9"));
        Files.writeString(raw(media, "dir-%E9/inner-%FF"), "in a folder whose name is not UTF-8");
        Files.createSymbolicLink(raw(media.resolve("links"), "to-latin-%E9"), relativeRaw("../files/caf%E9.txt"));
        Files.createLink(raw(media.resolve("hard"), "c-%E0"), media.resolve("hard/a"));
        Files.writeString(media.resolve("mode000"), "no access");
        Files.writeString(media.resolve("suid"), "#!/bin/sh\n");
        Files.writeString(media.resolve("sgid"), "#!/bin/sh\n");
        Files.createDirectories(media.resolve("sticky"));
        Files.writeString(media.resolve("sticky/inside.txt"), "in a sticky folder");
        run("mkfifo", media.resolve("pipe").toString());
        if (isRoot()) { // the tests run as root, also in CI
            run("mknod", media.resolve("null-device").toString(), "c", "1", "3");
        }
        mode("mode000", 0);
        mode("suid", 04755);
        mode("sgid", 02755);
        mode("sticky", 01777);

        long t = 1_600_000_000L;
        int i = 0;
        for (Path p : allEntries(media)) {
            // every entry its own time with nanoseconds, folders last (their contents are set already)
            setTime(p, Instant.ofEpochSecond(t + i * 100L, 123_456_789L + i));
            i++;
        }
    }

    @Test
    void mediaFolderRoundTripsEntryByEntryAfterAChangeAndIntoAMissingFolder() throws Exception {
        Map<String, Entry> original = describe(media);
        assertThat(original).containsKeys("pipe", "links/out-abs", "hard/b", "sparse.img");
        long originalSparseBlocks = original.get("sparse.img").blocks();
        assertThat(originalSparseBlocks).isLessThan(SPARSE_SIZE / 512 / 100);

        try (BackupManager backups = manager()) {
            CreateResult created = backups.create();
            MediaInfo info = created.backup().media();
            if (isRoot()) {
                assertThat(info.skipped()).containsExactly("device file not archived: null-device");
                assertThat(warnings).anyMatch(w -> w.contains("null-device"));
            }
            assertThat(info.changed()).isEmpty();
            String id = created.id().value();

            // GNU tar reads the archive as it is
            Path gnu = Files.createDirectories(tmp.resolve("gnu"));
            run("tar", "-I", "zstd", "-xf", mediaArtifact().toString(), "-C", gnu.toString());
            assertThat(withoutBlocks(describe(gnu)))
                    .as("GNU tar extracts the same entries (it keeps setuid as root, makes no holes)")
                    .isEqualTo(withoutBlocks(held(original)));

            change();
            warnings.clear();
            backups.restore(RestoreOptions.of(id));
            Map<String, Entry> restored = describe(media);
            assertThat(withoutBlocks(restored))
                    .as("everything as it was; what the archive cannot hold is left in place")
                    .isEqualTo(withoutBlocks(expectedAfterRestore(original, true)));
            assertThat(restored.get("sparse.img").blocks())
                    .as("the sparse file stays sparse")
                    .isLessThanOrEqualTo(originalSparseBlocks + 8);
            assertThat(warnings).anyMatch(w -> w.contains("setuid") && w.contains("suid"));
            if (isRoot()) {
                assertThat(warnings).anyMatch(w -> w.contains("Left in place") && w.contains("null-device"));
            }
            assertThat(outside.resolve("secret.txt")).hasContent("outside the media folder");

            // into a media folder that does not exist (yet)
            FileTrees.delete(media);
            backups.restore(RestoreOptions.of(id).withSafetyBackup(false));
            assertThat(withoutBlocks(describe(media)))
                    .isEqualTo(withoutBlocks(expectedAfterRestore(held(original), true)));
        }
    }

    @Test
    void aFileThatKeepsChangingWhileArchivedIsInTheManifestAndEveryCommandSaysSo() throws Exception {
        Path busy = media.resolve("files/busy.log");
        byte[] data = new byte[3 << 20];
        Files.write(busy, data);
        byte[] counter = {0};
        onMediaProgress = () -> {
            // a writer that never stops: every read of the file sees a change
            try (FileChannel ch = FileChannel.open(busy, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {++counter[0]}), 100);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try (BackupManager backups = manager()) {
            CreateResult created = backups.create();
            onMediaProgress = () -> {};
            assertThat(created.backup().media().changed()).containsExactly("files/busy.log");
            assertThat(warnings).anyMatch(w -> w.contains("files/busy.log") && w.contains("changed"));
            // read back from the stored manifest
            assertThat(backups.list())
                    .filteredOn(b -> b.id().equals(created.id()))
                    .singleElement()
                    .satisfies(b -> assertThat(b.media().changed()).containsExactly("files/busy.log"));
            assertThat(backups.verify(created.id().value(), VerifyMode.DEEP)
                            .backup()
                            .media()
                            .changed())
                    .containsExactly("files/busy.log");

            warnings.clear();
            backups.restore(RestoreOptions.of(created.id().value()).withSafetyBackup(false));
            assertThat(warnings).anyMatch(w -> w.contains("files/busy.log") && w.contains("may be torn"));
            assertThat(Files.size(busy)).isEqualTo(data.length);
        }
    }

    private BackupManager manager() {
        return BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                .mediaDir(media)
                .spoolDir(tmp.resolve("spool"))
                .hostApplication("test-app", "1.0.0")
                .listener(new BackupListener() {
                    @Override
                    public void warning(String message) {
                        warnings.add(message);
                    }

                    @Override
                    public void progress(Phase phase, long bytesDone) {
                        if (phase == Phase.MEDIA_ARCHIVE) {
                            onMediaProgress.run();
                        }
                    }
                })
                .build();
    }

    /** Changes of every kind, all of which the restore must undo. */
    private void change() throws Exception {
        Files.writeString(media.resolve("files/plain.txt"), "changed");
        Files.delete(media.resolve("links/out-abs"));
        Files.createSymbolicLink(media.resolve("links/out-abs"), Path.of("/etc"));
        Files.delete(media.resolve("links/dangling"));
        Files.writeString(media.resolve("hard/b"), "written through b");
        Files.delete(media.resolve("pipe"));
        Files.writeString(media.resolve("pipe"), "now a file");
        mode("mode000", 0644);
        mode("sticky", 0755);
        Files.writeString(media.resolve("new-file.txt"), "new since the backup");
        try (FileChannel ch = FileChannel.open(media.resolve("sparse.img"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1 << 20]), 1 << 20);
        }
    }

    /** What a restore gives: the original, with setuid/setgid bits of files dropped when restoring as root. */
    private static Map<String, Entry> expectedAfterRestore(Map<String, Entry> original, boolean asRoot) {
        Map<String, Entry> expected = new TreeMap<>();
        original.forEach((k, e) ->
                expected.put(k, asRoot && isRoot() && !e.type().equals("dir") ? e.withMode(e.mode() & ~06000) : e));
        return expected;
    }

    /** The entries an archive holds (all but the device). */
    private static Map<String, Entry> held(Map<String, Entry> all) {
        Map<String, Entry> held = new TreeMap<>(all);
        held.remove("null-device");
        return held;
    }

    private static Map<String, Entry> withoutBlocks(Map<String, Entry> entries) {
        Map<String, Entry> out = new TreeMap<>();
        entries.forEach((k, e) -> out.put(k, e.withBlocks(0)));
        return out;
    }

    /** What is compared per entry. Link times to the microsecond: Linux sets them with lutimes. */
    record Entry(String type, int mode, long size, String mtime, int nlink, String content, long blocks) {
        Entry withMode(int m) {
            return new Entry(type, m, size, mtime, nlink, content, blocks);
        }

        Entry withBlocks(long b) {
            return new Entry(type, mode, size, mtime, nlink, content, b);
        }
    }

    private static Map<String, Entry> describe(Path root) throws Exception {
        Map<String, Entry> out = new TreeMap<>();
        for (Path p : allEntries(root)) {
            String rel = rawRelative(root, p);
            Map<String, Object> a =
                    Files.readAttributes(p, "unix:mode,nlink,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            String type =
                    switch (mode & 0170000) {
                        case 0100000 -> "file";
                        case 040000 -> "dir";
                        case 0120000 -> "link";
                        case 010000 -> "fifo";
                        case 020000 -> "chardev";
                        default -> "other";
                    };
            Instant t = ((FileTime) a.get("lastModifiedTime")).toInstant();
            if (type.equals("link")) {
                t = t.minusNanos(t.getNano() % 1000);
            }
            String content =
                    switch (type) {
                        case "file" -> sha256(p);
                        case "link" -> rawTarget(Files.readSymbolicLink(p));
                        default -> "";
                    };
            long blocks = rel.equals("sparse.img") ? blocks(p) : 0;
            out.put(
                    rel,
                    new Entry(
                            type,
                            mode & 07777,
                            type.equals("dir") ? 0 : (Long) a.get("size"),
                            t.toString(),
                            (Integer) a.get("nlink"),
                            content,
                            blocks));
        }
        return out;
    }

    /** Every entry below {@code root} (not itself), links not followed, folders after their contents. */
    private static List<Path> allEntries(Path root) throws IOException {
        List<Path> all = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                all.add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (!dir.equals(root)) {
                    all.add(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return all;
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.allocate(1 << 20);
            while (ch.read(bb) >= 0) {
                bb.flip();
                md.update(bb);
                bb.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static long blocks(Path p) throws Exception {
        return Long.parseLong(run("stat", "-c", "%b", p.toString()).trim());
    }

    private static void sparse(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] block = new byte[4096];
            java.util.Arrays.fill(block, (byte) 7);
            long step = SPARSE_SIZE / SPARSE_BLOCKS / 4096 * 4096;
            for (int i = 0; i < SPARSE_BLOCKS; i++) {
                ch.write(ByteBuffer.wrap(block), i * step);
            }
            ch.truncate(SPARSE_SIZE);
            ch.write(ByteBuffer.wrap(new byte[] {1}), SPARSE_SIZE - 1); // ends with data, so the size is set
        }
    }

    /** The path below {@code root} as its bytes, percent-escaped where they are not plain ASCII. */
    private static String rawRelative(Path root, Path p) {
        String base = root.toUri().getRawPath();
        String raw = p.toUri().getRawPath();
        raw = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        return raw.substring(base.length() + (base.endsWith("/") ? 0 : 1));
    }

    /** A link target as its bytes, percent-escaped where they are not plain ASCII. */
    private static String rawTarget(Path target) {
        String raw = target.isAbsolute()
                ? target.toUri().getRawPath()
                : Path.of("/").resolve(target).toUri().getRawPath().substring(1);
        return raw.endsWith("/") && !target.toString().endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
    }

    /** A relative path given as percent-escaped bytes. */
    private static Path relativeRaw(String escaped) {
        Path anchored = Path.of(URI.create("file:///" + escaped));
        return anchored.subpath(0, anchored.getNameCount());
    }

    /** A path whose last name is given as percent-escaped bytes (may be other than UTF-8). */
    private static Path raw(Path dir, String escapedName) {
        return Path.of(URI.create(dir.toUri() + escapedName));
    }

    private void mode(String rel, int mode) throws IOException {
        Files.setAttribute(media.resolve(rel), "unix:mode", mode);
    }

    private static void setTime(Path p, Instant t) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        // setting times opens the entry: a FIFO held open for reading and writing does not wait for a writer
        try (FileChannel hold =
                attrs.isOther() ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE) : null) {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(t), null, null);
        }
    }

    private Path mediaArtifact() throws IOException {
        try (var files = Files.walk(tmp.resolve("backups"))) {
            return files.filter(p -> p.getFileName().toString().contains("media")
                            && p.getFileName().toString().endsWith(".zst"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
