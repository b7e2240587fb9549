package io.backupkit.backup.core.internal.lease;

import io.backupkit.backup.BackupInProgressException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OS file lock ({@code fcntl}, released by the kernel when the process dies) held for one
 * operation on a target (a media folder, an H2 database file). It never waits: a lock held by
 * another process, or by another operation of this JVM, is refused with {@link
 * BackupInProgressException} naming the holder, whose pid, host and start time are written into the
 * file.
 */
public final class TargetFileLock implements AutoCloseable {
    /** Files locked by this JVM: the OS would not refuse a second lock of the same process. */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;

    private TargetFileLock(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Locks {@code file} (created if absent) or throws {@link BackupInProgressException}; {@code what}
     * names the target in the message. I/O failures are {@link UncheckedIOException}.
     */
    public static TargetFileLock tryLock(Path file, String what) {
        Path key = file.toAbsolutePath().normalize();
        if (!HELD_HERE.add(key)) {
            throw busy(key, holder(key), what);
        }
        boolean interrupted = Thread.interrupted(); // a FileChannel closes on an interrupted thread
        FileChannel ch = null;
        try {
            Files.createDirectories(key.getParent());
            ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw busy(key, holder(key), what);
            }
            String me = "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + Instant.now() + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0); // for messages only: no fsync
            TargetFileLock held = new TargetFileLock(key, ch);
            ch = null;
            return held;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + key + ": " + e.getMessage(), e);
        } finally {
            if (ch != null) {
                closeQuietly(ch);
                HELD_HERE.remove(key);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static BackupInProgressException busy(Path file, String holder, String what) {
        return new BackupInProgressException(
                holder,
                null,
                "another backup or restore of " + what + " is running (" + holder + ", holding " + file
                        + "); wait for it to finish and try again");
    }

    /** What the holder wrote into the lock file. */
    private static String holder(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "another process" : s;
        } catch (IOException | RuntimeException e) {
            return "another process";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // the lock goes with the channel either way
        }
    }

    /** Releases the lock (the file stays: deleting it would let two processes lock two files). */
    @Override
    public void close() {
        closeQuietly(channel);
        HELD_HERE.remove(file);
    }
}
