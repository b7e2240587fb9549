package io.backupkit.backup.core.internal.pipeline;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens local files for the bulk reads of a restore or a verify (artifacts of several hundred MB).
 *
 * <p>Why not {@link Files#newInputStream}: its stream ({@code sun.nio.ch.ChannelInputStream}) reads
 * through {@code FileChannelImpl}, and its {@code available()} asks the channel for its size and
 * position. zstd's {@code ZstdInputStreamNoFinalizer.readInternal} calls both on its source for every
 * input block, and C2 inlined the two chains into it and into {@code BufferedInputStream.available}:
 * two methods of 50-60 KB of machine code, 0.2-0.3 CPU-s of compiling in the first two seconds of
 * every restore, when the two cores are busiest (see benchmarks/NOTES.md). A {@link
 * FileInputStream} reads and answers {@code available()} with one native call each. Files on another
 * file system provider (a zip file system, say) still open with {@link Files#newInputStream}.
 */
public final class FileStreams {
    private FileStreams() {}

    /**
     * Opens {@code file} for reading from {@code offset}.
     *
     * @throws NoSuchFileException when the file does not exist (as {@link Files#newInputStream} does)
     */
    public static InputStream open(Path file, long offset) throws IOException {
        if (file.getFileSystem() != FileSystems.getDefault()) {
            return openNio(file, offset);
        }
        FileInputStream in;
        try {
            in = new FileInputStream(file.toFile());
        } catch (FileNotFoundException e) {
            if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
                NoSuchFileException missing = new NoSuchFileException(file.toString());
                missing.initCause(e);
                throw missing;
            }
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileSystemException(file.toString(), null, "is a folder, not a file");
            }
            // it exists now: no permission, or deleted and created again since (a lease taken over);
            // NIO's exceptions say which, and a file that is back is read as it is now
            return openNio(file, offset);
        }
        if (offset > 0) {
            try {
                in.getChannel().position(offset);
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }
        return in;
    }

    private static InputStream openNio(Path file, long offset) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            in.skipNBytes(offset);
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return in;
    }

    /** Opens {@code file} for reading from its start. */
    public static InputStream open(Path file) throws IOException {
        return open(file, 0);
    }
}
