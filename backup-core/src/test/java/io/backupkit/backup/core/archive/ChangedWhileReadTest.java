package io.backupkit.backup.core.archive;

import static io.backupkit.backup.core.archive.ArchiveTestSupport.entries;
import static io.backupkit.backup.core.archive.ArchiveTestSupport.extract;
import static io.backupkit.backup.core.archive.ArchiveTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.core.archive.ArchiveTestSupport.RecordingListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Matrix T23: a media file that changes while it is archived is never a silently torn file. The change is
 * made deterministically from the progress callback, which fires after the first MiB of a 3 MiB file.
 */
class ChangedWhileReadTest {
    private static final int SIZE = 3 << 20;

    @TempDir
    Path tmp;

    Path media;
    Path big;
    byte[] original;

    @BeforeEach
    void media() throws IOException {
        media = tmp.resolve("media");
        big = media.resolve("a-big.bin");
        original = new byte[SIZE];
        new Random(7).nextBytes(original);
        Files.createDirectories(media);
        Files.write(big, original);
        Files.setLastModifiedTime(big, FileTime.fromMillis(1_600_000_000_000L));
        write(media.resolve("z-after.txt"), "still intact");
    }

    private record Result(byte[] tar, MediaInfo info, RecordingListener events) {}

    private Result archiveWhile(Runnable change) {
        RecordingListener events = new RecordingListener();
        boolean[] done = {false};
        events.onProgress = bytes -> {
            if (!done[0] && bytes < SIZE) {
                done[0] = true;
                change.run();
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MediaInfo info = new MediaArchiver(media, List.of(), List.of(), events).write(out);
        assertThat(done[0]).as("the change ran mid-file").isTrue();
        return new Result(out.toByteArray(), info, events);
    }

    private void assertReported(Result r) throws IOException {
        assertThat(r.info().skipped()).containsExactly("changed while read: a-big.bin");
        assertThat(r.events().warnings).anyMatch(w -> w.contains("changed while read: a-big.bin"));
        List<TarArchiveEntry> entries = entries(r.tar());
        assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly("a-big.bin", "z-after.txt");
        assertThat(entries.get(0).getSize())
                .as("the header's size is what was written")
                .isEqualTo(SIZE);

        // the archive stays well-formed: the next entry is intact and an extraction succeeds
        Path out = tmp.resolve("out");
        MediaInfo extracted = extract(r.tar(), out);
        assertThat(out.resolve("z-after.txt")).hasContent("still intact");
        assertThat(Files.size(out.resolve("a-big.bin"))).isEqualTo(SIZE);
        assertThat(extracted.totalBytes()).isEqualTo(r.info().totalBytes());
    }

    @Test
    void t23FileThatShrinksIsPaddedToTheHeaderSizeAndReported() throws IOException {
        Result r = archiveWhile(() -> truncate(big, SIZE / 2 + 123));
        assertReported(r);
        byte[] restored = Files.readAllBytes(tmp.resolve("out/a-big.bin"));
        assertThat(Arrays.copyOf(restored, SIZE / 2 + 123)).isEqualTo(Arrays.copyOf(original, SIZE / 2 + 123));
        assertThat(Arrays.copyOfRange(restored, SIZE / 2 + 123, SIZE)).containsOnly((byte) 0);
    }

    @Test
    void t23FileThatGrowsIsCutToTheHeaderSizeAndReported() throws IOException {
        Result r = archiveWhile(() -> append(big, new byte[100_000]));
        assertReported(r);
        assertThat(Files.readAllBytes(tmp.resolve("out/a-big.bin"))).isEqualTo(original);
    }

    @Test
    void t23FileRewrittenInPlaceIsReported() throws IOException {
        // same size, new content and time: only the modification time tells
        Result r = archiveWhile(() -> {
            try (FileChannel ch = FileChannel.open(big, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[1000]), SIZE - 1000);
                Files.setLastModifiedTime(big, FileTime.fromMillis(1_700_000_000_000L));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertReported(r);
    }

    @Test
    void unchangedFilesAreNotReported() {
        RecordingListener events = new RecordingListener();
        MediaInfo info = new MediaArchiver(media, List.of(), List.of(), events).write(new ByteArrayOutputStream());
        assertThat(info.skipped()).isEmpty();
        assertThat(events.warnings).isEmpty();
        assertThat(info.fileCount()).isEqualTo(2);
    }

    private static void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file, byte[] data) {
        try {
            Files.write(file, data, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
