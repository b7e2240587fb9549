package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * One object being written to a temp file next to its name. Bytes are sent one buffer at a time;
 * the buffer stays until the server acknowledged it, so after a broken connection the write opens
 * its temp file again and sends it again at the same offset. Internal.
 */
final class SftpWrite implements ObjectWrite {
    private static final int BUFFER = 1024 * 1024;

    private final SftpStorage storage;
    private final String name;
    private final String target;
    private final String temp;
    private final OutputStream stream = new Buffered();
    private byte[] buffer = new byte[BUFFER];
    private ByteArrayOutputStream small = new ByteArrayOutputStream(); // a small object's bytes, for its version
    private int filled;
    private long acknowledged; // bytes the server confirmed in the temp file
    private SftpClient handleClient;
    private CloseableHandle handle;
    private boolean created;
    private boolean reopened; // the temp file was opened again on a new connection
    private SftpConnection connection; // bulk once a full buffer went out; control for a small object
    private final MessageDigest digest = sha256();
    private boolean committed;
    private boolean closed;
    private UnableToStoreException failure;

    SftpWrite(SftpStorage storage, String name) {
        this.storage = storage;
        this.name = name;
        this.target = storage.remote(name);
        this.temp = storage.remote(SftpStorage.tempName(name, SftpStorage.PARTIAL_SUFFIX));
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    private final class Buffered extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ensureWritable();
            digest.update(b, off, len);
            keepSmall(b, off, len);
            while (len > 0) {
                if (filled == buffer.length) {
                    send();
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {
            // the owner commits or closes the write; closing the stream does neither
        }
    }

    private void keepSmall(byte[] b, int off, int len) {
        if (small != null) {
            if (small.size() + (long) len > SftpStorage.DIGESTED_SIZE) {
                small = null;
            } else {
                small.write(b, off, len);
            }
        }
    }

    private void ensureWritable() throws IOException {
        if (committed) {
            throw new IOException("write of " + name + " is already committed");
        }
        if (closed) {
            throw new IOException("write of " + name + " was closed");
        }
        if (failure != null) {
            throw new IOException("write of " + name + " failed earlier: " + failure.getMessage(), failure);
        }
    }

    /** Sends the buffer at the acknowledged offset, on a new connection if the old one broke. */
    private void send() {
        if (connection == null) {
            connection = filled == buffer.length ? storage.bulk() : storage.control();
        }
        int length = filled;
        try {
            storage.call(connection, "upload", name, temp, (sftp, attempt) -> {
                SftpStorage.writeAt(sftp, handle(sftp), temp, acknowledged, buffer, length);
                return null;
            });
        } catch (UnableToStoreException e) {
            throw fail(e);
        }
        acknowledged += length;
        filled = 0;
    }

    /** The temp file's handle on {@code sftp}: created on first use, opened again after a reconnect. */
    private CloseableHandle handle(SftpClient sftp) throws IOException {
        if (handle != null && handleClient == sftp) {
            return handle;
        }
        handle = null;
        if (!created) {
            storage.ensureFolder(sftp);
            try {
                handle = sftp.open(temp, OpenMode.Write, OpenMode.Create, OpenMode.Exclusive);
            } catch (SftpException e) {
                // the name is random: "exists" means our own create went through before the connection broke
                if (SftpStorage.statOrNull(sftp, temp) == null) {
                    throw e;
                }
            }
            created = true;
        }
        if (handle == null) {
            handle = sftp.open(temp, OpenMode.Write);
            reopened = true;
        }
        handleClient = sftp;
        sftp.setStat(handle, SftpStorage.privateFile());
        return handle;
    }

    private UnableToStoreException fail(UnableToStoreException e) {
        failure = e;
        buffer = null;
        return e;
    }

    @Override
    public StoredObject commit() throws IOException {
        ensureWritable();
        try {
            send(); // also creates the temp file of an empty object
            long size = acknowledged;
            if (reopened) {
                verifyTemp(size);
            }
            byte[] content = small == null ? null : small.toByteArray();
            StoredObject stored = storage.call(connection, "upload", name, target, (sftp, attempt) -> {
                if (attempt > 1 && SftpStorage.statOrNull(sftp, temp) == null) {
                    // the rename of an earlier attempt went through before its answer was lost
                    Attributes done = SftpStorage.statOrNull(sftp, target);
                    if (done != null && done.getSize() == size) {
                        return SftpStorage.toStoredObject(name, done, content);
                    }
                }
                CloseableHandle h = handle(sftp);
                Attributes a = sftp.stat(h);
                if (a.getSize() != size) {
                    throw new SftpException(
                            SftpConstants.SSH_FX_FAILURE,
                            "the temp file has " + a.getSize() + " bytes, " + size + " were sent");
                }
                OpenSSHFsyncExtension fsync = sftp.getExtension(OpenSSHFsyncExtension.class);
                if (fsync != null && fsync.isSupported()) {
                    fsync.fsync(h);
                }
                h.close();
                handle = null;
                Attributes t = sftp.stat(temp);
                storage.publish(sftp, temp, target);
                return SftpStorage.toStoredObject(name, t, content);
            });
            committed = true;
            buffer = null;
            return stored;
        } catch (UnableToStoreException e) {
            close();
            throw fail(e);
        }
    }

    /**
     * After a reconnect, reads the temp file back and compares its SHA-256 with the bytes written:
     * whatever the broken connection did, nothing differing is ever published.
     */
    private void verifyTemp(long size) {
        byte[] expected = digest.digest();
        byte[] actual = storage.call(connection, "verify", name, temp, (sftp, attempt) -> {
            MessageDigest stored = sha256();
            try (InputStream in = sftp.read(temp, 64 * 1024, OpenMode.Read)) {
                byte[] chunk = new byte[64 * 1024];
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    stored.update(chunk, 0, n);
                }
            }
            if (!sftp.isOpen()) {
                throw new EOFException("the connection closed while the temp file was read back");
            }
            return stored.digest();
        });
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    true,
                    "the server holds other bytes for " + name + " than were sent (" + size + " bytes) after the"
                            + " connection broke and was made again; nothing was published, try again",
                    null);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (committed || closed) {
            return;
        }
        closed = true;
        buffer = null;
        if (handle != null) {
            try {
                handle.close();
            } catch (IOException | RuntimeException e) {
                // the connection may be gone; the temp file is removed below or swept later
            }
            handle = null;
        }
        if (created) {
            storage.removeQuietly(temp);
        }
    }
}
