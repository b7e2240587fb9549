package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Objects;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Reads an object with MINA's read-ahead stream and, when the connection breaks, opens it again on
 * a new connection at the position reached, as long as the file is still the one it started with
 * (same size and time). Internal.
 */
final class SftpReadStream extends InputStream {
    private final SftpStorage storage;
    private final SftpConnection connection;
    private final String name;
    private final String path;
    private final long size;
    private final Instant modified;
    private final int bufferSize;
    private long position;
    private InputStream in;
    private boolean closed;

    SftpReadStream(
            SftpStorage storage,
            SftpConnection connection,
            String name,
            String path,
            long offset,
            Attributes attributes,
            int bufferSize) {
        this.storage = storage;
        this.connection = connection;
        this.name = name;
        this.path = path;
        this.size = attributes.getSize();
        this.modified = modifyTime(attributes);
        this.bufferSize = bufferSize;
        this.position = offset;
    }

    private static Instant modifyTime(Attributes a) {
        return a.getModifyTime() == null ? Instant.EPOCH : a.getModifyTime().toInstant();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        if (position >= size) {
            return -1;
        }
        int want = (int) Math.min(len, size - position);
        int n;
        try {
            n = connection.call("read", name, (sftp, attempt) -> {
                if (in == null || attempt > 1) {
                    reopen(sftp);
                }
                try {
                    int read = in.read(b, off, want);
                    if (read < 0) {
                        // MINA's stream ends quietly when the connection closes: read on from a new one
                        throw new EOFException("the connection closed at byte " + position + " of " + size);
                    }
                    return read;
                } catch (IOException e) {
                    closeCurrent();
                    throw e;
                }
            });
        } catch (SftpException e) {
            if (SftpStorage.isMissing(e)) {
                throw new StoredObjectNotFoundException(storage.describe(), name);
            }
            throw new IOException("cannot read " + name + " from " + storage.describe() + ": " + e.getMessage(), e);
        } catch (UnableToStoreException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (n < 0) {
            throw new IOException("reading " + name + " from " + storage.describe() + " ended at byte " + position
                    + " of " + size + ": the object was cut short while it was read");
        }
        position += n;
        return n;
    }

    private void reopen(SftpClient sftp) throws IOException {
        closeCurrent();
        Attributes now = sftp.stat(path);
        if (now.getSize() != size || !modifyTime(now).equals(modified)) {
            throw new IOException("the object " + name + " in " + storage.describe()
                    + " was replaced while it was read; read it again");
        }
        InputStream fresh = sftp.read(path, bufferSize, OpenMode.Read);
        long skip = position;
        while (skip > 0) {
            long s = fresh.skip(skip);
            if (s <= 0) {
                fresh.close();
                throw new IOException("cannot skip to byte " + position + " of " + name);
            }
            skip -= s;
        }
        in = fresh;
    }

    private void closeCurrent() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                // a broken connection
            }
            in = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeCurrent();
    }
}
