package io.backupkit.backup.core.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes a decoded dump into a file (owner-only), with the reading (digest, decompression) on a
 * thread of its own and the writing on the caller's, so that the two overlap; blocks of {@link
 * #BLOCK} make 1/32 of the write calls of {@code Files.copy}'s 8 KiB. Memory: {@link #BLOCKS} blocks.
 */
final class DecodeToFile {
    static final int BLOCK = 1 << 18;
    static final int BLOCKS = 4;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private DecodeToFile() {}

    /**
     * Copies {@code in} (closed here, on the reading thread) into {@code target}, replacing it.
     *
     * @throws InterruptedIOException when the calling thread is interrupted (the interrupt stays set)
     */
    static void copy(InputStream in, Path target, String threadName) throws IOException {
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BLOCKS);
        BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(BLOCKS + 1); // never full: the blocks and END
        for (int i = 0; i < BLOCKS; i++) {
            free.add(new byte[BLOCK]);
        }
        Reader reader = new Reader(in, free, full);
        Thread t = new Thread(reader, threadName);
        t.setDaemon(true);
        FileChannel opened;
        try {
            opened = FileChannel.open(
                    target,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                    ownerOnly(target));
        } catch (IOException | RuntimeException e) {
            try {
                in.close(); // no reader owns it yet
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try (FileChannel out = opened) {
            t.start();
            for (; ; ) {
                ByteBuffer b = full.take();
                if (b == END) {
                    break;
                }
                while (b.hasRemaining()) {
                    out.write(b);
                }
                free.put(b.array());
            }
        } catch (InterruptedException | ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException cancelled =
                    new InterruptedIOException("decoding the dump into " + target + " was interrupted");
            cancelled.initCause(e);
            throw cancelled;
        } finally {
            reader.stopped = true; // at its next block, when the loop above did not reach the end
        }
        Throwable failed = reader.failure;
        if (failed instanceof IOException io) {
            throw io;
        }
        if (failed instanceof RuntimeException r) {
            throw r;
        }
        if (failed instanceof Error e) {
            throw e;
        }
        if (failed != null) {
            throw new IOException(failed.getMessage(), failed);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path target) {
        if (target.getFileSystem() == FileSystems.getDefault()
                && target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            };
        }
        return new FileAttribute<?>[0];
    }

    private static final class Reader implements Runnable {
        private final InputStream in;
        private final BlockingQueue<byte[]> free;
        private final BlockingQueue<ByteBuffer> full;
        volatile boolean stopped;
        volatile Throwable failure;

        Reader(InputStream in, BlockingQueue<byte[]> free, BlockingQueue<ByteBuffer> full) {
            this.in = in;
            this.free = free;
            this.full = full;
        }

        @Override
        public void run() {
            try (InputStream source = in) {
                for (; ; ) {
                    byte[] block = take();
                    if (block == null) {
                        return; // the writer stopped
                    }
                    int n = source.readNBytes(block, 0, block.length);
                    if (n == 0) {
                        break;
                    }
                    full.add(ByteBuffer.wrap(block, 0, n));
                }
            } catch (Throwable e) { // handed to the writer, which throws it
                failure = e;
            }
            full.add(END);
        }

        /** A free block, or null once the writer stopped. */
        private byte[] take() throws InterruptedException {
            for (; ; ) {
                if (stopped) {
                    return null;
                }
                byte[] b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
            }
        }
    }
}
