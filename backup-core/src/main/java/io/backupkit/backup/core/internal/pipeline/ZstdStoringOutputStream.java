package io.backupkit.backup.core.internal.pipeline;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The zstd compressor of an artifact. Bytes are compressed by a (multi-threaded) zstd stream; bytes
 * hinted as not worth compressing ({@link CompressionHints}) are written as raw blocks in zstd frames
 * of their own, without passing through the compressor. The output is one standard zstd stream of
 * concatenated frames (RFC 8878, section 3.1), which {@code zstd -d}, {@code tar -I zstd} and
 * zstd-jni decode as usual.
 *
 * <p>{@link #nextLike} compresses the middle {@value #SAMPLE} bytes of its sample at zstd level 1
 * and stores what follows when that saves less than about 3%: random-looking data (JPEG, PNG, zip,
 * video) saves nothing, text and tables save 50-80%. Each switch between the two ends a frame; a
 * switch from compressing ends the zstd frame, which waits for its workers, so callers hint per run
 * of content (a file), not per block. Closing finishes the stream but never closes the target.
 */
final class ZstdStoringOutputStream extends OutputStream implements CompressionHints {
    /** Frame header of a raw frame: magic, descriptor 0 (no size, no checksum), a 128 KiB window. */
    private static final byte[] RAW_FRAME_HEADER = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0x00, 0x38};

    /** The largest block a 128 KiB window allows. */
    private static final int MAX_RAW_BLOCK = 1 << 17;

    /** The header of an empty raw block that ends a frame (Last_Block = 1, Raw_Block, size 0). */
    private static final byte[] LAST_EMPTY_BLOCK = {1, 0, 0};

    /** How much of a sample is tried. */
    static final int SAMPLE = 32 << 10;

    private final OutputStream target;
    private final ZstdOutputStreamNoFinalizer zstd;
    private final byte[] buffer;
    private final byte[] blockHeader = new byte[3];
    private int count;
    private boolean zstdFrameOpen;
    private boolean storing;
    private boolean closed;
    private ZstdCompressCtx sampler;
    private byte[] sampled;

    ZstdStoringOutputStream(OutputStream target, ZstdOutputStreamNoFinalizer zstd, int bufferSize) {
        this.target = target;
        this.zstd = zstd.setCloseFrameOnFlush(true); // only compressible(false) flushes it
        this.buffer = new byte[bufferSize];
    }

    @Override
    public void nextLike(byte[] sample, int off, int len) throws IOException {
        compressible(worthCompressing(sample, off, len));
    }

    private boolean worthCompressing(byte[] sample, int off, int len) {
        int n = Math.min(len, SAMPLE);
        if (n < 1024) {
            return true;
        }
        if (sampler == null) {
            sampler = new ZstdCompressCtx().setLevel(1);
            sampled = new byte[(int) Zstd.compressBound(SAMPLE)];
        }
        try {
            int size = sampler.compressByteArray(sampled, 0, sampled.length, sample, off + (len - n) / 2, n);
            return size < n - n / 32;
        } catch (ZstdException e) {
            return true; // compress as always
        }
    }

    /** Whether the bytes written from now on, until the next call, are compressed or stored. */
    void compressible(boolean worthIt) throws IOException {
        if (worthIt != storing) {
            return;
        }
        if (storing) {
            target.write(LAST_EMPTY_BLOCK);
        } else {
            flushBuffer();
            if (zstdFrameOpen) {
                // ends the frame (and waits for its workers); the next write starts a new one
                zstd.flush();
                zstdFrameOpen = false;
            }
            target.write(RAW_FRAME_HEADER);
        }
        storing = !worthIt;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (storing) {
            store(b, off, len);
        } else if (len >= buffer.length) {
            flushBuffer();
            compress(b, off, len);
        } else {
            if (len > buffer.length - count) {
                flushBuffer();
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }
    }

    private void store(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, MAX_RAW_BLOCK);
            int header = n << 3; // Last_Block = 0, Block_Type = 0 (raw)
            blockHeader[0] = (byte) header;
            blockHeader[1] = (byte) (header >>> 8);
            blockHeader[2] = (byte) (header >>> 16);
            target.write(blockHeader);
            target.write(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void compress(byte[] b, int off, int len) throws IOException {
        zstd.write(b, off, len);
        zstdFrameOpen = true;
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            compress(buffer, 0, count);
            count = 0;
        }
    }

    /**
     * Hands buffered bytes to the compressor and flushes the target; what the compressor holds is
     * written when the stream is closed (a zstd flush would end the frame here).
     */
    @Override
    public void flush() throws IOException {
        flushBuffer();
        target.flush();
    }

    /** Finishes the last frame; also frees the compressor's native memory when that fails. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flushBuffer();
            if (storing) {
                target.write(LAST_EMPTY_BLOCK);
            }
        } finally {
            if (sampler != null) {
                sampler.close();
            }
            zstd.close(); // ends an open frame; writes an empty one if nothing was compressed at all
        }
    }
}
