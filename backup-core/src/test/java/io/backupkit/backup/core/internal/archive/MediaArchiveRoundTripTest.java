package io.backupkit.backup.core.internal.archive;

import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.archive;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.entries;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.extract;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.mtime;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.names;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdInputStream;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.Compression;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.core.internal.archive.ArchiveTestSupport.RecordingListener;
import io.backupkit.backup.core.internal.pipeline.Compressors;
import io.backupkit.backup.core.internal.pipeline.ZstdFrames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Media folder -> PAX tar -> folder: paths, bytes, times, permissions, empty folders, long and non-ASCII names. */
class MediaArchiveRoundTripTest {
    private static final String LONG_NAME = "d".repeat(60) + "/" + "f".repeat(90) + "-long-name.txt";
    private static final String UNICODE_NAME = "Übersicht/日本語.txt";

    @TempDir
    Path tmp;

    Path media;
    byte[] big;

    @BeforeEach
    void mediaFolder() throws IOException {
        media = tmp.resolve("media");
        write(media.resolve("a.txt"), "alpha");
        write(media.resolve("bin/run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(media.resolve("bin/run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectories(media.resolve("empty/nested-empty"));
        write(media.resolve(LONG_NAME), "long");
        write(media.resolve(UNICODE_NAME), "こんにちは");
        Files.write(media.resolve("zero.bin"), new byte[0]);
        big = new byte[2_500_000];
        new Random(42).nextBytes(big);
        Files.createDirectories(media.resolve("photos"));
        Files.write(media.resolve("photos/big.jpg"), big);
        mtime(media.resolve("a.txt"), 1_600_000_000L);
        mtime(media.resolve("bin/run.sh"), 1_500_000_000L);
        mtime(media.resolve("photos/big.jpg"), 1_400_000_000L);
        mtime(media.resolve("empty/nested-empty"), 1_300_000_000L);
        mtime(media.resolve("empty"), 1_200_000_000L);
        mtime(media.resolve("photos"), 1_100_000_000L);
    }

    @Test
    void roundTripKeepsPathsBytesTimesPermissionsAndEmptyFolders() throws IOException {
        RecordingListener events = new RecordingListener();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MediaInfo written = new MediaArchiver(media, List.of(), List.of(), events).write(out);

        Path target = tmp.resolve("restored");
        RecordingListener restoreEvents = new RecordingListener();
        MediaInfo read = new MediaExtractor(ExtractLimits.defaults(), restoreEvents)
                .extract(new ByteArrayInputStream(out.toByteArray()), target, "x.media.tar");

        assertThat(tree(target)).isEqualTo(tree(media));
        assertThat(Files.readAllBytes(target.resolve("photos/big.jpg"))).isEqualTo(big);
        assertThat(Files.readString(target.resolve(UNICODE_NAME))).isEqualTo("こんにちは");
        assertThat(Files.readString(target.resolve(LONG_NAME))).isEqualTo("long");
        assertThat(Files.size(target.resolve("zero.bin"))).isZero();
        assertThat(Files.isDirectory(target.resolve("empty/nested-empty"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("bin/run.sh"))))
                .isEqualTo("rwxr-x---");
        assertThat(Files.getLastModifiedTime(target.resolve("a.txt")).toMillis())
                .isEqualTo(1_600_000_000_000L);
        assertThat(Files.getLastModifiedTime(target.resolve("photos")).toMillis())
                .as("folder times are set after their contents")
                .isEqualTo(1_100_000_000_000L);
        assertThat(Files.getLastModifiedTime(target.resolve("empty/nested-empty"))
                        .toMillis())
                .isEqualTo(1_300_000_000_000L);

        long contentBytes = big.length + 5 + 18 + 4 + "こんにちは".getBytes(StandardCharsets.UTF_8).length;
        // files: a.txt, run.sh, long, unicode, zero.bin, big.jpg; folders: bin, empty, nested-empty, d..., Übersicht,
        // photos
        assertThat(written).isEqualTo(new MediaInfo(6, 6, contentBytes, List.of()));
        assertThat(read).isEqualTo(written);
        assertThat(events.progress).isNotEmpty().isSorted().last().isEqualTo(contentBytes);
        assertThat(events.progress).hasSizeGreaterThanOrEqualTo(2);
        assertThat(restoreEvents.progress).last().isEqualTo(contentBytes);
        assertThat(events.warnings).isEmpty();
    }

    @Test
    void entriesAreSortedRelativeAnonymousAndFoldersComeFirst() throws IOException {
        byte[] tar = archive(media);
        List<String> names = names(tar);
        assertThat(names)
                .containsExactly(
                        "a.txt",
                        "bin/",
                        "bin/run.sh",
                        "d".repeat(60) + "/",
                        LONG_NAME,
                        "empty/",
                        "empty/nested-empty/",
                        "photos/",
                        "photos/big.jpg",
                        "zero.bin",
                        "Übersicht/",
                        UNICODE_NAME);
        for (TarArchiveEntry e : entries(tar)) {
            assertThat(e.getName()).doesNotStartWith("./").doesNotStartWith("/");
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getLongGroupId()).isZero();
            assertThat(e.getUserName()).isEmpty();
            assertThat(e.getGroupName()).isEmpty();
            assertThat(e.getMode() & 07000).isZero();
            assertThat(e.isDirectory() || e.isFile()).isTrue();
        }
        assertThat(archive(media)).as("deterministic").isEqualTo(tar);
    }

    @Test
    void doesNotCloseTheOutputStreamAndFinishesTheTar() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        new MediaArchiver(media, List.of(), List.of(), BackupListener.NONE).write(out);
        assertThat(closed[0]).isFalse();
        assertThat(bytes.size() % 10240).as("tar padded to its block size").isZero();
        assertThat(names(bytes.toByteArray())).hasSize(12);
    }

    @Test
    void gnuTarListsAndExtractsTheArchive() throws Exception {
        Path gnuTar = Path.of("/usr/bin/tar");
        assumeTrue(Files.isExecutable(gnuTar), "GNU tar is not installed at /usr/bin/tar");
        Path file = tmp.resolve("media.tar");
        try (OutputStream out = Files.newOutputStream(file)) {
            new MediaArchiver(media, List.of(), List.of(), BackupListener.NONE).write(out);
        }
        String listing = run(List.of(gnuTar.toString(), "-tvf", file.toString()), tmp);
        assertThat(listing)
                .contains(LONG_NAME)
                .contains(UNICODE_NAME)
                .contains("bin/run.sh")
                .contains("-rwxr-x---")
                .contains("empty/nested-empty/")
                .contains("0/0");

        Path gnuOut = Files.createDirectory(tmp.resolve("gnu"));
        run(List.of(gnuTar.toString(), "-xf", file.toString(), "-C", gnuOut.toString()), tmp);
        assertThat(tree(gnuOut)).isEqualTo(tree(media));
    }

    @Test
    void contentThatDoesNotCompressIsStoredInRawZstdFramesAndGnuTarStillExtractsTheArchive() throws Exception {
        StringBuilder log = new StringBuilder();
        for (int i = 0; log.length() < 300_000; i++) {
            log.append("line ")
                    .append(i)
                    .append(": stock moved to bin ")
                    .append(i % 97)
                    .append('\n');
        }
        write(media.resolve("notes/log.txt"), log.toString());
        Path file = tmp.resolve("media.tar.zst");
        try (OutputStream out = Files.newOutputStream(file);
                OutputStream zstd = Compressors.compress(Compression.ZSTD, 3, 2, out)) {
            new MediaArchiver(media, List.of(), List.of(), BackupListener.NONE).write(zstd);
        }
        byte[] z = Files.readAllBytes(file);
        List<String> frames = ZstdFrames.describe(z);
        // the names before the photo and the log compress; the photo and what follows it are stored
        assertThat(frames).hasSize(2).first().isEqualTo("zstd");
        assertThat(Long.parseLong(frames.get(1).substring("raw ".length())))
                .isBetween((long) big.length, big.length + 20_000L);
        assertThat(z.length).isLessThan(big.length + 100_000);

        byte[] tar;
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(z))) {
            tar = in.readAllBytes();
        }
        extract(tar, tmp.resolve("ours"));
        assertThat(tree(tmp.resolve("ours"))).isEqualTo(tree(media));

        Path gnuTar = Path.of("/usr/bin/tar");
        assumeTrue(
                Files.isExecutable(gnuTar) && Files.isExecutable(Path.of("/usr/bin/zstd")), "GNU tar or zstd missing");
        Path gnuOut = Files.createDirectory(tmp.resolve("gnu"));
        run(List.of(gnuTar.toString(), "-I", "zstd", "-xf", file.toString(), "-C", gnuOut.toString()), tmp);
        assertThat(tree(gnuOut)).isEqualTo(tree(media));
    }

    @Test
    void writesSizesOver8GiBAsPaxHeaders() throws IOException {
        long size = 9L << 30;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TarHeader(
                        "huge.bin".getBytes(StandardCharsets.UTF_8),
                        TarHeader.FILE,
                        0644,
                        size,
                        1_700_000_000L,
                        5,
                        new byte[0])
                .writeTo(bytes);
        bytes.write(new byte[20_480]); // some content; the rest is never written
        byte[] head = bytes.toByteArray();
        assertThat(new String(head, StandardCharsets.ISO_8859_1)).contains(" size=" + size + "\n");

        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(head), "UTF-8")) {
            TarArchiveEntry e = in.getNextEntry();
            assertThat(e.getName()).isEqualTo("huge.bin");
            assertThat(e.getSize()).isEqualTo(size);
            assertThat(e.getLastModifiedTime().toInstant())
                    .isEqualTo(java.time.Instant.ofEpochSecond(1_700_000_000L, 5));
        }
        // the extractor takes such a header (default limits allow it) and then finds the content missing
        assertThatThrownBy(() -> extract(head, tmp.resolve("huge-out")))
                .isExactlyInstanceOf(CorruptBackupException.class)
                .hasMessageContaining("truncated");
        assertThat(tmp.resolve("huge-out")).doesNotExist();
    }

    /** path -> "dir" | "file <sha256> <mtime seconds> <permissions>", for folders "dir <permissions>". */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> map = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String perms =
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                long seconds =
                        Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000;
                String rel = root.relativize(p).toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    map.put(rel + "/", "dir " + perms + " " + seconds);
                } else {
                    map.put(
                            rel,
                            "file " + ArchiveTestSupport.sha256(Files.readAllBytes(p)) + " " + perms + " " + seconds);
                }
            }
        }
        return map;
    }

    static String run(List<String> command, Path dir) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + " said: " + output).isZero();
        return output;
    }

    @Test
    void progressIsReportedAboutEveryMiB() {
        RecordingListener events = new RecordingListener();
        new MediaArchiver(media, List.of(), List.of(), events).write(OutputStream.nullOutputStream());
        assertThat(events.progress).hasSizeBetween(3, 4); // 1 MiB, 2 MiB, final total
        assertThat(events.progress.get(0)).isBetween(1L << 20, (1L << 20) + TarFormat.BUFFER_SIZE);
    }
}
