package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.CorruptBackupException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dump decoded into the spool: exact bytes, owner-only, the reader's failures and a cancel. */
class DecodeToFileTest {
    @TempDir
    Path dir;

    @Test
    void copiesEveryByteInOrderAndOnlyTheOwnerMayReadTheFile() throws IOException {
        byte[] data = new byte[DecodeToFile.BLOCK * (DecodeToFile.BLOCKS + 3) + 12_345];
        new Random(7).nextBytes(data);
        Path target = dir.resolve("dump.pgdump");
        // trickles: the reader reads at most 1000 bytes a call, as a decompressor may
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };

        DecodeToFile.copy(trickle, target, "test-decode");

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-------");

        DecodeToFile.copy(new ByteArrayInputStream(new byte[] {9}), target, "test-decode");
        assertThat(Files.readAllBytes(target)).as("a longer file is replaced").containsExactly(9);
        DecodeToFile.copy(InputStream.nullInputStream(), target, "test-decode");
        assertThat(target).isEmptyFile();
    }

    @Test
    void aFailedReadIsThrownToTheCallerAsItWasAndTheSourceIsClosed() {
        AtomicReference<Boolean> closed = new AtomicReference<>(false);
        byte[] head = new byte[DecodeToFile.BLOCK * 3];
        CorruptBackupException corrupt = new CorruptBackupException("db.pgdump.zst", "damaged at byte 5", null);
        InputStream failing = new InputStream() {
            private int at;

            @Override
            public int read() throws IOException {
                throw new IOException("one byte at a time is not used");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= head.length) {
                    throw corrupt;
                }
                int n = Math.min(len, head.length - at);
                at += n;
                return n;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };

        assertThatThrownBy(() -> DecodeToFile.copy(failing, dir.resolve("dump"), "test-decode"))
                .isSameAs(corrupt);
        assertThat(closed.get()).isTrue();

        IOException unreadable = new IOException("Input/output error");
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw unreadable;
            }
        };
        assertThatThrownBy(() -> DecodeToFile.copy(broken, dir.resolve("dump"), "test-decode"))
                .isSameAs(unreadable);

        closed.set(false);
        InputStream unread = new ByteArrayInputStream(head) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        assertThatThrownBy(() -> DecodeToFile.copy(unread, dir.resolve("no-such-folder/dump"), "test-decode"))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(closed.get()).as("closed though nothing was read").isTrue();
    }

    @Test
    void anInterruptStopsTheCopyKeepsTheInterruptAndClosesTheSource() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                reading.countDown();
                return len;
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                DecodeToFile.copy(endless, dir.resolve("dump"), "test-decode");
            } catch (Throwable e) {
                thrown.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(10_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(closed.await(10, TimeUnit.SECONDS))
                .as("the reading thread stops at its next block")
                .isTrue();
    }
}
