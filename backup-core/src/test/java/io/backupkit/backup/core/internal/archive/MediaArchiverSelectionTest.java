package io.backupkit.backup.core.internal.archive;

import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.archive;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.entries;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.names;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.Setting;
import io.backupkit.backup.UnableToArchiveMediaException;
import io.backupkit.backup.core.internal.archive.ArchiveTestSupport.RecordingListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the archiver takes and leaves out: links, special files, exclusions, and how it fails. */
class MediaArchiverSelectionTest {
    @TempDir
    Path tmp;

    @Test
    void symlinksAndFifosAreArchivedAsThemselvesNeverFollowedAndSocketsAreSkipped() throws Exception {
        Path media = tmp.resolve("media");
        write(media.resolve("real/file.txt"), "real");
        write(tmp.resolve("outside/secret.txt"), "TOP-SECRET-CONTENT");
        Files.createSymbolicLink(media.resolve("link-to-file"), media.resolve("real/file.txt"));
        Files.createSymbolicLink(media.resolve("link-to-dir"), media.resolve("real"));
        Files.createSymbolicLink(media.resolve("link-outside"), tmp.resolve("outside"));
        Files.createSymbolicLink(media.resolve("real/link-secret"), tmp.resolve("outside/secret.txt"));
        Files.createSymbolicLink(media.resolve("dangling"), tmp.resolve("nowhere"));
        Path fifo = media.resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assumeTrue(mkfifo.exitValue() == 0, "mkfifo is not available");

        RecordingListener events = new RecordingListener();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(media.resolve("sock")));
            MediaInfo info = new MediaArchiver(media, List.of(), List.of(), events).write(out);

            assertThat(names(out.toByteArray()))
                    .containsExactly(
                            "dangling",
                            "link-outside",
                            "link-to-dir",
                            "link-to-file",
                            "pipe",
                            "real/",
                            "real/file.txt",
                            "real/link-secret");
            assertThat(new String(out.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("no link was followed")
                    .doesNotContain("TOP-SECRET-CONTENT");
            assertThat(entries(out.toByteArray()))
                    .filteredOn(e -> e.getName().equals("link-outside"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getLinkName())
                            .isEqualTo(tmp.resolve("outside").toString()));
            assertThat(info.fileCount()).isEqualTo(7);
            assertThat(info.directoryCount()).isEqualTo(1);
            assertThat(info.skipped()).containsExactly("socket not archived: sock");
            assertThat(events.warnings).hasSize(1).allMatch(w -> w.contains("sock") && w.contains("in place"));
        }
    }

    @Test
    void backslashNamesAndNamesThatAreNotUtf8AreArchivedAsTheirBytes() throws Exception {
        Path media = tmp.resolve("media");
        write(media.resolve("ok.txt"), "ok");
        write(media.resolve("back\\slash.txt"), "x");
        Process touch = new ProcessBuilder("bash", "-c", "touch \"$0\"/$'bad\\xff.txt'", media.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(touch.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assumeTrue(touch.exitValue() == 0, "bash cannot create a non-UTF-8 name here");

        RecordingListener events = new RecordingListener();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MediaInfo info = new MediaArchiver(media, List.of(), List.of(), events).write(out);
        assertThat(names(out.toByteArray())).containsExactly("back\\slash.txt", "bad\uFFFD.txt", "ok.txt");
        assertThat(info.skipped()).isEmpty();
        assertThat(events.warnings).isEmpty();
        ArchiveTestSupport.extract(out.toByteArray(), tmp.resolve("restored"));
        assertThat(tmp.resolve("restored/ok.txt")).hasContent("ok");
        assertThat(tmp.resolve("restored/back\\slash.txt")).hasContent("x");
        assertThat(Path.of(java.net.URI.create(tmp.resolve("restored").toUri() + "bad%FF.txt")))
                .exists();
    }

    @Test
    void skippedListIsCapped() throws IOException {
        Path media = Files.createDirectories(tmp.resolve("media"));
        for (int i = 0; i < 230; i++) {
            // sockets: an archive cannot hold them
            try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                socket.bind(UnixDomainSocketAddress.of(media.resolve(String.format("s%03d", i))));
            }
        }
        RecordingListener events = new RecordingListener();
        MediaInfo info = new MediaArchiver(media, List.of(), List.of(), events).write(OutputStream.nullOutputStream());
        assertThat(info.skipped()).hasSize(201).last().isEqualTo("(30 more not listed)");
        assertThat(events.warnings).hasSize(201);
    }

    @Test
    void excludeGlobsAndExcludedFoldersAreLeftOut() throws IOException {
        Path media = tmp.resolve("media");
        write(media.resolve("cache/a/b.bin"), "cached");
        write(media.resolve("keep.txt"), "keep");
        write(media.resolve("x.tmp"), "tmp");
        write(media.resolve("deep/y.tmp"), "tmp");
        write(media.resolve("deep/z.txt"), "z");
        write(media.resolve("backups/b-1.media.tar"), "a backup");
        write(media.resolve("backups-not/k.txt"), "kept: only the exact folder is excluded");

        MediaArchiver archiver = new MediaArchiver(
                media, List.of("cache/**", "**/*.tmp"), List.of(media.resolve("backups")), BackupListener.NONE);
        assertThat(names(archive(archiver)))
                .containsExactly("backups-not/", "backups-not/k.txt", "cache/", "deep/", "deep/z.txt", "keep.txt");

        // a relative or non-normalised spelling of the excluded folder works too
        MediaArchiver relative = new MediaArchiver(
                media, List.of("cache"), List.of(media.resolve("deep/../backups")), BackupListener.NONE);
        assertThat(names(archive(relative)))
                .doesNotContain("backups/", "cache/")
                .contains("deep/y.tmp");
    }

    @Test
    void mediaFolderThatIsALinkIsFollowedButNothingBelowIt() throws IOException {
        Path real = tmp.resolve("data/media");
        write(real.resolve("a.txt"), "a");
        Files.createSymbolicLink(real.resolve("loop"), real);
        Path link = Files.createSymbolicLink(tmp.resolve("media"), real);
        MediaInfo info = new MediaArchiver(link, List.of(), List.of(), BackupListener.NONE)
                .write(OutputStream.nullOutputStream());
        assertThat(info.fileCount())
                .as("a.txt and the link 'loop', not what it points to")
                .isEqualTo(2);
        assertThat(info.skipped()).isEmpty();
    }

    @Test
    void missingMediaFolderNamesItAndTheSetting() {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> archive(missing))
                .isInstanceOf(UnableToArchiveMediaException.class)
                .hasMessageContaining(missing.toString())
                .satisfies(e -> assertThat(((BackupException) e).setting()).contains(Setting.MEDIA_DIR));
    }

    @Test
    void mediaFolderThatIsAFileNamesItAndTheSetting() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> archive(file))
                .isInstanceOf(UnableToArchiveMediaException.class)
                .hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(((BackupException) e).setting()).contains(Setting.MEDIA_DIR));
    }

    @Test
    void unreadableFileInsideIsNamed() throws IOException {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads every file; cannot test as root");
        Path media = tmp.resolve("media");
        write(media.resolve("secret.txt"), "x");
        Files.setPosixFilePermissions(media.resolve("secret.txt"), PosixFilePermissions.fromString("---------"));
        assertThatThrownBy(() -> archive(media))
                .isInstanceOf(UnableToArchiveMediaException.class)
                .hasMessageContaining("secret.txt");
    }

    @Test
    void unreadableMediaFolderNamesTheSetting() throws IOException {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads every folder; cannot test as root");
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.setPosixFilePermissions(media, PosixFilePermissions.fromString("---------"));
        try {
            assertThatThrownBy(() -> archive(media))
                    .isInstanceOf(UnableToArchiveMediaException.class)
                    .satisfies(e -> assertThat(((BackupException) e).setting()).contains(Setting.MEDIA_DIR));
        } finally {
            Files.setPosixFilePermissions(media, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void malformedGlobIsAConfigurationError() {
        assertThatThrownBy(() -> new MediaArchiver(tmp, List.of("cache/[a"), List.of(), BackupListener.NONE))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("cache/[a")
                .extracting(e -> ((BackupConfigurationException) e).setting().orElseThrow())
                .isEqualTo(Setting.MEDIA_EXCLUDE);
    }

    @Test
    void failingOutputStreamIsReportedAsArchiveFailure() throws IOException {
        Path media = tmp.resolve("media");
        write(media.resolve("a.txt"), "a".repeat(100_000));
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        };
        assertThatThrownBy(() -> new MediaArchiver(media, List.of(), List.of(), BackupListener.NONE).write(broken))
                .isInstanceOf(UnableToArchiveMediaException.class)
                .hasMessageContaining("disk full");
    }
}
