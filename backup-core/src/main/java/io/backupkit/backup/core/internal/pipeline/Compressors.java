package io.backupkit.backup.core.internal.pipeline;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.backupkit.backup.Compression;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.apache.commons.io.output.CloseShieldOutputStream;

/**
 * Compressing and decompressing streams. Closing a compressing stream finishes the compressed
 * stream but never closes the target: the storage write behind it is committed or aborted by its
 * owner.
 */
public final class Compressors {
    /**
     * Buffer between a producer and the compressor, and before a decompressor: it gathers small
     * writes and reads (tar records, SQL lines) into blocks, and is no larger than the blocks the
     * busy paths already move (a pipe's 64 KiB from a dump tool, the media archiver's 256 KiB,
     * zstd's 128 KiB reads), which {@link BufferedOutputStream} and {@link BufferedInputStream} then
     * pass through without copying them. At 1 MiB every such block was copied once more (about
     * 1.2 GB of copies per create of the benchmark data).
     */
    public static final int BUFFER = 1 << 16;

    /** zstd job size per worker (see {@link #compress}). */
    static final int JOB_SIZE = 4 << 20;

    private Compressors() {}

    /**
     * Wraps {@code target} in a compressor. The zstd one takes {@link CompressionHints}: what is
     * hinted not worth compressing is stored in raw zstd frames.
     *
     * @param level 0 for the compressor's default
     * @param workers zstd worker threads; 0 for the number of processors
     */
    public static OutputStream compress(Compression compression, int level, int workers, OutputStream target)
            throws IOException {
        OutputStream shielded = CloseShieldOutputStream.wrap(target);
        return switch (compression) {
            case ZSTD -> {
                ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(shielded, level == 0 ? 3 : level);
                int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
                if (n > 1) {
                    z.setWorkers(n);
                    // zstd's default job (4x the window, 8 MiB at level 3) holds several jobs of
                    // native buffers per stream (about 60 MiB RSS each); 1 MiB jobs hold 13 MiB
                    // but cost 15-25% more wall time (more jobs, each re-reading its overlap);
                    // 4 MiB jobs are as fast as the default at about 33 MiB (measured on the benchmark)
                    z.setJobSize(JOB_SIZE);
                }
                yield new ZstdStoringOutputStream(shielded, z, BUFFER);
            }
            case GZIP -> new BufferedOutputStream(new GzipLevelOutputStream(shielded, level == 0 ? 6 : level), BUFFER);
            case NONE -> new BufferedOutputStream(shielded, BUFFER);
        };
    }

    /** Wraps {@code source} in a decompressor; closing it does not close {@code source}. */
    public static InputStream decompress(Compression compression, InputStream source) throws IOException {
        InputStream shielded = CloseShieldInputStream.wrap(source);
        return switch (compression) {
            case ZSTD -> new ZstdInputStream(shielded);
            case GZIP -> new GZIPInputStream(shielded, 1 << 16);
            case NONE -> shielded;
        };
    }

    private static final class GzipLevelOutputStream extends GZIPOutputStream {
        GzipLevelOutputStream(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }
}
