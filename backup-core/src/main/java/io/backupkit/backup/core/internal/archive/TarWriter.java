package io.backupkit.backup.core.internal.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes the media tar straight into the artifact stream. The header records of each entry (PAX
 * headers included) are made by {@link TarHeader}; content, padding and the end of the archive are
 * written here, unbuffered: file content goes out in the blocks it was read in, and a {@link
 * io.backupkit.backup.core.internal.pipeline.CompressionHints compression hint} given before the content
 * applies to exactly that content. The output is the same tar as commons-compress writes: records of
 * 512 bytes, two zero records at the end, padded to a 10 KiB block.
 */
public final class TarWriter {
    private static final int RECORD = TarConstants.DEFAULT_RCDSIZE;
    private static final int BLOCK = TarConstants.DEFAULT_BLKSIZE;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final OutputStream out;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream(2 * RECORD);
    private long position;
    private long remaining;
    /** The name of the open entry, {@code null} between entries (for messages). */
    private byte[] entryName;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes the header records of {@code entry}; a file's content follows with {@link #write}. */
    public void putEntry(TarHeader entry) throws IOException {
        if (entryName != null) {
            throw new IllegalStateException("the tar entry " + name() + " is not closed");
        }
        header.reset();
        entry.writeTo(header);
        header.writeTo(out);
        position += header.size();
        remaining = entry.type() == TarHeader.FILE ? entry.size() : 0;
        entryName = entry.name();
    }

    /** Content of the current entry; never more than its header's size. */
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > remaining) {
            throw new IllegalStateException("more content than the size in the header of " + name());
        }
        out.write(b, off, len);
        position += len;
        remaining -= len;
    }

    /** Pads the content to a whole record; all of it must have been written. */
    public void closeEntry() throws IOException {
        if (remaining != 0) {
            throw new IllegalStateException(remaining + " bytes of " + name() + " were not written");
        }
        zeros((int) (-position & (RECORD - 1)));
        entryName = null;
    }

    /** The end-of-archive records, padded to a whole block. */
    public void finish() throws IOException {
        if (entryName != null) {
            throw new IllegalStateException("the tar entry " + name() + " is not closed");
        }
        zeros(2 * RECORD);
        zeros((int) ((BLOCK - position % BLOCK) % BLOCK));
    }

    private String name() {
        return new String(entryName, StandardCharsets.UTF_8);
    }

    private void zeros(int n) throws IOException {
        out.write(ZEROS, 0, n);
        position += n;
    }
}
