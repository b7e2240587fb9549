package io.backupkit.backup.core.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdInputStream;
import io.backupkit.backup.Compression;
import io.backupkit.backup.Phase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The artifact's zstd compressor: hinted runs of incompressible bytes go into raw frames, the rest is compressed. */
class ZstdStoringOutputStreamTest {
    @TempDir
    Path tmp;

    static byte[] text(int size) {
        StringBuilder sb = new StringBuilder();
        Random r = new Random(1);
        String[] words = {"stock", "item", "part", "order", "supplier", "location", "quantity", "serial"};
        while (sb.length() < size) {
            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(1000)).append(' ');
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] decode(byte[] z) throws IOException {
        try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(z))) {
            return in.readAllBytes();
        }
    }

    /** Writes the parts in 10 KiB pieces, each part preceded by a hint with its first 256 KiB as the sample. */
    static byte[] compress(int workers, byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = Compressors.compress(Compression.ZSTD, 3, workers, out)) {
            CompressionHints hints = CompressionHints.of(z);
            assertThat(hints).isNotNull();
            for (byte[] part : parts) {
                hints.nextLike(part, 0, Math.min(part.length, 256 << 10));
                for (int off = 0; off < part.length; off += 10240) {
                    z.write(part, off, Math.min(10240, part.length - off));
                }
            }
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    @Test
    void incompressibleRunsAreStoredInRawFramesAndTheStreamDecodesToTheSameBytes() throws IOException {
        byte[] a = text(300_000);
        byte[] photo = random(700_000, 2);
        byte[] b = text(50_000);
        byte[] video = random(400_000, 3);
        for (int workers : new int[] {1, 2}) {
            byte[] z = compress(workers, a, photo, b, video);
            assertThat(decode(z)).isEqualTo(concat(a, photo, b, video));
            assertThat(ZstdFrames.describe(z)).containsExactly("zstd", "raw 700000", "zstd", "raw 400000");
            assertThat(z.length).as("the text is still compressed").isLessThan(700_000 + 400_000 + 150_000);
        }
    }

    @Test
    void consecutiveIncompressibleRunsShareOneFrameAndCompressibleOnesOneZstdFrame() throws IOException {
        byte[] z = compress(2, random(100_000, 4), random(200_000, 5), text(100_000), text(100_000));
        assertThat(ZstdFrames.describe(z)).containsExactly("raw 300000", "zstd");
        assertThat(decode(z)).isEqualTo(concat(random(100_000, 4), random(200_000, 5), text(100_000), text(100_000)));
    }

    @Test
    void withoutHintsEverythingIsOneZstdFrameEvenAcrossFlushes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] data = concat(text(200_000), random(200_000, 6));
        try (OutputStream z = Compressors.compress(Compression.ZSTD, 3, 2, out)) {
            z.write(data, 0, 1000);
            z.flush();
            z.write(data, 1000, data.length - 1000);
            z.flush();
        }
        assertThat(ZstdFrames.describe(out.toByteArray())).containsExactly("zstd");
        assertThat(decode(out.toByteArray())).isEqualTo(data);
    }

    @Test
    void aStreamThatEndsWhileStoringAndTinySamplesAreHandled() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] noise = random(5000, 7);
        try (OutputStream z = Compressors.compress(Compression.ZSTD, 3, 0, out)) {
            CompressionHints hints = CompressionHints.of(z);
            hints.nextLike(noise, 0, 100); // too small to judge: compressed
            z.write(noise, 0, 100);
            hints.nextLike(noise, 0, noise.length);
            z.write(noise);
            z.write(7);
        }
        assertThat(ZstdFrames.describe(out.toByteArray())).containsExactly("zstd", "raw 5001");
        assertThat(decode(out.toByteArray()))
                .isEqualTo(concat(java.util.Arrays.copyOf(noise, 100), noise, new byte[] {7}));
    }

    @Test
    void hintsReachTheCompressorThroughTheProgressCounterButNotOtherCompressions() throws IOException {
        OutputStream zstd = Compressors.compress(Compression.ZSTD, 0, 1, OutputStream.nullOutputStream());
        assertThat(CompressionHints.of(new ProgressOutputStream(zstd, Phase.MEDIA_ARCHIVE, (p, n) -> {}, () -> false)))
                .isSameAs(zstd);
        zstd.close();
        for (Compression c : List.of(Compression.GZIP, Compression.NONE)) {
            try (OutputStream other = Compressors.compress(c, 0, 1, OutputStream.nullOutputStream())) {
                assertThat(CompressionHints.of(other)).as(c.name()).isNull();
            }
        }
    }

    @Test
    void theZstdProgramDecodesTheMixedStream() throws Exception {
        Path zstdTool = Path.of("/usr/bin/zstd");
        assumeTrue(Files.isExecutable(zstdTool), "the zstd program is not installed");
        byte[] data = concat(text(100_000), random(300_000, 8), text(20_000));
        Path file = tmp.resolve("mixed.zst");
        Files.write(file, compress(2, text(100_000), random(300_000, 8), text(20_000)));
        Process p = new ProcessBuilder(zstdTool.toString(), "-q", "-d", "-c", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] decoded = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(decoded).isEqualTo(data);
    }
}
