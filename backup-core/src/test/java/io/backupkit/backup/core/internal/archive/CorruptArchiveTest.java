package io.backupkit.backup.core.internal.archive;

import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.archive;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.extract;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.UnsafeArchiveException;
import io.backupkit.backup.core.internal.archive.ArchiveTestSupport.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Matrix T8/T25 for the media archive: truncated or malformed tars are {@link CorruptBackupException}, never success. */
class CorruptArchiveTest {
    @TempDir
    Path tmp;

    byte[] tar;

    @BeforeEach
    void archiveOfThreeFiles() throws IOException {
        Path media = tmp.resolve("media");
        write(media.resolve("a.txt"), "a".repeat(700));
        write(media.resolve("b/c.txt"), "c".repeat(1500));
        write(media.resolve("d.txt"), "d");
        tar = archive(media);
    }

    @Test
    void everyTruncationIsCorrupt() {
        // every cut up to the end-of-archive marker: mid-header, mid-data, mid-padding, and exactly at an entry
        // boundary (a whole entry missing and no end marker)
        int end = endOfLastEntry();
        for (int cut = 0; cut < end + 512; cut += 97) {
            int at = cut;
            Path target = tmp.resolve("cut-" + at);
            assertThatThrownBy(() -> extract(Arrays.copyOf(tar, at), target))
                    .as("cut at %d", at)
                    .isExactlyInstanceOf(CorruptBackupException.class);
            assertThat(target).doesNotExist();
        }
        for (int boundary = 0; boundary <= end; boundary += 512) {
            int at = boundary;
            assertThatThrownBy(() -> extract(Arrays.copyOf(tar, at), tmp.resolve("boundary-" + at)))
                    .as("cut at record boundary %d", at)
                    .isExactlyInstanceOf(CorruptBackupException.class);
        }
    }

    @Test
    void wholeArchiveExtractsAndIsReadToItsEnd() {
        byte[] withTrailer = Arrays.copyOf(tar, tar.length + 3000);
        CountingInput in = new CountingInput(withTrailer);
        MediaInfo info = new MediaExtractor(ExtractLimits.defaults(), BackupListener.NONE)
                .extract(in, tmp.resolve("ok"), "m.tar");
        assertThat(info.fileCount()).isEqualTo(3);
        assertThat(in.read).isEqualTo(withTrailer.length);
        assertThat(in.closed).isFalse();
    }

    @Test
    void wrongHeaderChecksumIsCorrupt() {
        byte[] bad = tar.clone();
        bad[firstEntryHeader(bad)] ^= 1; // first entry header's name, checksum left as it was
        assertThatThrownBy(() -> extract(bad, tmp.resolve("bad")))
                .isExactlyInstanceOf(CorruptBackupException.class)
                .hasMessageContaining("checksum");
    }

    /** The offset of the first ustar header that is not a PAX extended header. */
    private static int firstEntryHeader(byte[] tar) {
        for (int off = 0; off + 512 <= tar.length; off += 512) {
            boolean ustar = tar[off + 257] == 'u' && tar[off + 258] == 's' && tar[off + 259] == 't';
            if (ustar && tar[off + 156] != 'x') {
                return off;
            }
        }
        throw new AssertionError("no entry header");
    }

    @Test
    void hugePaxHeaderIsRefusedWithBoundedMemory() {
        byte[] hostile = new TarBuilder()
                .pax(Map.of("comment", "x".repeat(3 << 20)))
                .file("a.txt", "a")
                .build();
        assertThatThrownBy(() -> extract(hostile, tmp.resolve("pax")))
                .isExactlyInstanceOf(CorruptBackupException.class)
                .hasMessageContaining("header");
    }

    @Test
    void longChainsOfExtensionHeadersAreRefusedWithoutExhaustingTheStack() throws Exception {
        TarBuilder builder = new TarBuilder();
        for (int i = 0; i < 5000; i++) {
            builder.pax(Map.of());
        }
        byte[] hostile = builder.file("a.txt", "a").build();
        Throwable[] thrown = {null};
        // a small stack, as a worker thread of the engine may have
        Thread worker = new Thread(
                null,
                () -> {
                    try {
                        extract(hostile, tmp.resolve("chain"));
                    } catch (Throwable t) {
                        thrown[0] = t;
                    }
                },
                "small-stack",
                256 * 1024);
        worker.start();
        worker.join(60_000);
        assertThat(thrown[0]).isExactlyInstanceOf(CorruptBackupException.class);
        assertThat(tmp.resolve("chain")).doesNotExist();
    }

    @Test
    void sizeFieldLargerThanTheDataIsCorruptNotSuccess() {
        byte[] bad = new TarBuilder().file("a.txt", "x".repeat(600)).build();
        // claim 2000 bytes: octal size field at offset 124 (12 bytes), then fix the checksum at 148
        byte[] size = String.format("%011o ", 2000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, bad, 124, 12);
        FuzzTars.fixChecksum(bad, 0);
        byte[] cut = Arrays.copyOf(bad, 512 + 1024);
        assertThatThrownBy(() -> extract(cut, tmp.resolve("short")))
                .isInstanceOf(CorruptBackupException.class)
                .isNotInstanceOf(UnsafeArchiveException.class);
    }

    @Test
    void failureOfTheStreamBelowKeepsItsOwnType() {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new UnableToStoreException("memory", "m.tar", "storage went away", null);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw new UnableToStoreException("memory", "m.tar", "storage went away", null);
            }
        };
        assertThatThrownBy(() -> new MediaExtractor(ExtractLimits.defaults(), BackupListener.NONE)
                        .extract(failing, tmp.resolve("t"), "m.tar"))
                .isExactlyInstanceOf(UnableToStoreException.class);
        assertThat(tmp.resolve("t")).doesNotExist();
    }

    private int endOfLastEntry() {
        // the archive ends with two zero records, then zero padding to 10 KiB: find the last non-zero byte
        int last = tar.length - 1;
        while (tar[last] == 0) {
            last--;
        }
        return (last / 512 + 1) * 512;
    }

    static final class CountingInput extends ByteArrayInputStream {
        long read;
        boolean closed;

        CountingInput(byte[] data) {
            super(data);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public synchronized int read() {
            int n = super.read();
            read += n >= 0 ? 1 : 0;
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void emptyFileIsACorruptArchive() throws IOException {
        assertThatThrownBy(() -> extract(new byte[0], tmp.resolve("empty")))
                .isExactlyInstanceOf(CorruptBackupException.class);
        assertThat(Files.exists(tmp.resolve("empty"))).isFalse();
        // while an archive of an empty folder is fine
        Path emptyMedia = Files.createDirectories(tmp.resolve("empty-media"));
        assertThat(extract(archive(emptyMedia), tmp.resolve("empty-out")))
                .isEqualTo(new MediaInfo(0, 0, 0, java.util.List.of()));
    }
}
