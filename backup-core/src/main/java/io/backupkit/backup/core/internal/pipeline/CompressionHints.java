package io.backupkit.backup.core.internal.pipeline;

import java.io.IOException;

/**
 * A compressing stream that can be told what comes next, so that it stores content that does not
 * compress (photos, video, archives) as it is instead of spending CPU on it. Hints are only about
 * speed: what comes out after decompression is the same either way.
 */
public interface CompressionHints {
    /**
     * The bytes written from now on, until the next call, are like {@code sample} (a part of them,
     * such as the first block of a file): the compressor tries the sample and stores those bytes
     * uncompressed when compressing would gain little. Writes must not be buffered between the
     * caller and the compressor, or the hint would apply to the wrong bytes.
     */
    void nextLike(byte[] sample, int off, int len) throws IOException;

    /**
     * The hints {@code out} takes (looking through a {@link ProgressOutputStream}, which does not
     * buffer), or {@code null} when it takes none.
     */
    static CompressionHints of(Object out) {
        if (out instanceof ProgressOutputStream progress) {
            return progress.hints();
        }
        return out instanceof CompressionHints hints ? hints : null;
    }
}
