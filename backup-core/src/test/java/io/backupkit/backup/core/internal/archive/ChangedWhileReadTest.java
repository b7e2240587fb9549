package io.backupkit.backup.core.internal.archive;

import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.entries;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.extract;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.names;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.core.internal.archive.ArchiveTestSupport.RecordingListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** The change runs once, after the walk's lstat of the big file and before its open. */
    private Result archiveChangedBeforeOpen(Runnable change) {
        RecordingListener events = new RecordingListener();
        MediaArchiver archiver = new MediaArchiver(media, List.of(), List.of(), events);
        boolean[] done = {false};
        archiver.beforeOpen = path -> {
            if (!done[0] && path.getFileName().toString().equals("a-big.bin")) {
                done[0] = true;
                change.run();
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MediaInfo info = archiver.write(out);
        assertThat(done[0]).as("the change ran before the open").isTrue();
        return new Result(out.toByteArray(), info, events);
    }

    /** The file was read again after the change: the archive's last copy is whole, and nothing is reported. */
    private byte[] assertReadAgain(Result r) throws IOException {
        assertThat(r.info().changed()).isEmpty();
        assertThat(r.info().skipped()).isEmpty();
        assertThat(r.events().warnings).isEmpty();
        List<TarArchiveEntry> entries = entries(r.tar());
        assertThat(entries)
                .extracting(TarArchiveEntry::getName)
                .containsExactly("a-big.bin", "a-big.bin", "z-after.txt");
        assertThat(entries.get(0).getSize())
                .as("the torn copy's header size is what was written")
                .isEqualTo(SIZE);

        Path out = tmp.resolve("out");
        MediaInfo extracted = extract(r.tar(), out);
        assertThat(out.resolve("z-after.txt")).hasContent("still intact");
        assertThat(extracted.fileCount()).isEqualTo(2);
        byte[] restored = Files.readAllBytes(out.resolve("a-big.bin"));
        assertThat(restored).as("the file as it is now").isEqualTo(Files.readAllBytes(big));
        return restored;
    }

    @Test
    void t23FileTruncatedWhileReadIsReadAgainNeverPaddedWithZeros() throws IOException {
        Result r = archiveWhile(() -> truncate(big, SIZE / 2 + 123));
        byte[] restored = assertReadAgain(r);
        assertThat(restored).isEqualTo(Arrays.copyOf(original, SIZE / 2 + 123));
    }

    @Test
    void t23FileThatGrowsWhileReadIsReadAgain() throws IOException {
        Result r = archiveWhile(() -> append(big, new byte[100_000]));
        assertThat(assertReadAgain(r)).hasSize(SIZE + 100_000);
    }

    @Test
    void t23FileRewrittenInPlaceWhileReadIsReadAgain() throws IOException {
        // same size, new content and time: the modification and change times tell
        Result r = archiveWhile(() -> rewriteTail(big, (byte) 1));
        byte[] restored = assertReadAgain(r);
        assertThat(Arrays.copyOfRange(restored, SIZE - 1000, SIZE)).containsOnly((byte) 1);
    }

    @Test
    void t23RewrittenInPlaceWithItsOldTimeIsCaughtByTheChangeTime() throws IOException {
        Result r = archiveWhile(() -> {
            rewriteTail(big, (byte) 2);
            try {
                Files.setLastModifiedTime(big, FileTime.fromMillis(1_600_000_000_000L)); // as before
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(Arrays.copyOfRange(assertReadAgain(r), SIZE - 1000, SIZE)).containsOnly((byte) 2);
    }

    @Test
    void t23FileReplacedAfterTheWalkWithTheSameSizeAndTimeIsReadAgain() throws IOException {
        // another file renamed over it: same size and modification time, new content (no fstat after the open)
        byte[] replacement = new byte[SIZE];
        new Random(8).nextBytes(replacement);
        Result r = archiveChangedBeforeOpen(() -> {
            try {
                Path next = Files.write(tmp.resolve("replacement"), replacement);
                Files.setLastModifiedTime(next, FileTime.fromMillis(1_600_000_000_000L));
                Files.move(next, big, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(assertReadAgain(r)).isEqualTo(replacement);
    }

    @Test
    void t23FileThatGrewAfterTheWalkIsReadAgain() throws IOException {
        Result r = archiveChangedBeforeOpen(() -> append(big, new byte[] {1, 2, 3}));
        byte[] restored = assertReadAgain(r);
        assertThat(restored).hasSize(SIZE + 3);
        assertThat(Arrays.copyOf(restored, SIZE)).isEqualTo(original);
    }

    @Test
    void t23FileThatShrankAfterTheWalkIsReadAgainNeverPaddedWithZeros() throws IOException {
        Result r = archiveChangedBeforeOpen(() -> truncate(big, SIZE - 1));
        assertThat(assertReadAgain(r)).isEqualTo(Arrays.copyOf(original, SIZE - 1));
    }

    @Test
    void t23FileThatKeepsChangingIsListedAsChangedAndReported() throws IOException {
        RecordingListener events = new RecordingListener();
        byte[] value = {0};
        events.onProgress = bytes -> rewriteTail(big, ++value[0]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MediaInfo info = new MediaArchiver(media, List.of(), List.of(), events).write(out);

        assertThat(info.changed()).containsExactly("a-big.bin");
        assertThat(events.warnings)
                .singleElement()
                .satisfies(w -> assertThat(w).contains("a-big.bin").contains("changed while it was archived"));
        assertThat(entries(out.toByteArray()))
                .extracting(TarArchiveEntry::getName)
                .containsExactly("a-big.bin", "a-big.bin", "a-big.bin", "z-after.txt");
        assertThat(info.fileCount()).isEqualTo(2);
    }

    @Test
    void unchangedFilesAreNotReported() throws IOException {
        RecordingListener events = new RecordingListener();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MediaInfo info = new MediaArchiver(media, List.of(), List.of(), events).write(out);
        assertThat(info.skipped()).isEmpty();
        assertThat(info.changed()).isEmpty();
        assertThat(events.warnings).isEmpty();
        assertThat(info.fileCount()).isEqualTo(2);
        assertThat(names(out.toByteArray())).containsExactly("a-big.bin", "z-after.txt");
    }

    private static void rewriteTail(Path file, byte value) {
        byte[] tail = new byte[1000];
        Arrays.fill(tail, value);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(tail), SIZE - 1000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
