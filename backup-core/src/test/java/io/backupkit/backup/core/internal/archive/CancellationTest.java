package io.backupkit.backup.core.internal.archive;

import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.archive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.core.internal.archive.ArchiveTestSupport.RecordingListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancellation is cooperative: an interrupted thread stops archiving or extracting with {@link BackupCancelledException}. */
class CancellationTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private Path media() throws IOException {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.write(media.resolve("a.bin"), new byte[3 << 20]);
        Files.write(media.resolve("b.bin"), new byte[10]);
        return media;
    }

    @Test
    void interruptedArchiveIsCancelled() throws IOException {
        Path media = media();
        RecordingListener events = new RecordingListener();
        events.onProgress = bytes -> Thread.currentThread().interrupt();
        assertThatThrownBy(() ->
                        new MediaArchiver(media, List.of(), List.of(), events).write(OutputStream.nullOutputStream()))
                .isInstanceOf(BackupCancelledException.class);
        assertThat(events.progress).hasSize(1);
    }

    @Test
    void interruptedExtractionIsCancelledAndLeavesNothing() throws IOException {
        byte[] tar = archive(media());
        Path target = tmp.resolve("out");
        RecordingListener events = new RecordingListener();
        events.onProgress = bytes -> Thread.currentThread().interrupt();
        assertThatThrownBy(() -> new MediaExtractor(ExtractLimits.defaults(), events)
                        .extract(new ByteArrayInputStream(tar), target, "m.tar"))
                .isInstanceOf(BackupCancelledException.class);
        Thread.interrupted();
        assertThat(target).doesNotExist();
    }
}
