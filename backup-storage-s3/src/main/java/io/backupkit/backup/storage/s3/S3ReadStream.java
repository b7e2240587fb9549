package io.backupkit.backup.storage.s3;

import io.backupkit.backup.StoredObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Streams an object from an offset. When the connection breaks mid-way it resumes with a ranged GET
 * bound to the first response's ETag ({@code If-Match}), so a replaced object is never spliced in;
 * {@link #close()} before the end aborts the connection instead of draining it. Internal.
 */
final class S3ReadStream extends InputStream {
    private static final Logger LOG = LoggerFactory.getLogger(S3ReadStream.class);

    private final S3Storage storage;
    private final String name;
    private ResponseInputStream<GetObjectResponse> in;
    private String etag;
    private long position;
    private boolean eof;
    private boolean closed;
    private int resumes;

    S3ReadStream(S3Storage storage, String name, long offset) throws IOException {
        this.storage = storage;
        this.name = name;
        this.position = offset;
        this.in = storage.get(name, offset, null);
        if (in == null) {
            // offset at or past the end: nothing to read, but the object must exist
            if (storage.stat(name).isEmpty()) {
                throw new StoredObjectNotFoundException(storage.describe(), name);
            }
            eof = true;
        } else {
            etag = in.response().eTag();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (eof) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            try {
                int n = in.read(b, off, len);
                if (n < 0) {
                    eof = true;
                    in.close();
                    return -1;
                }
                position += n;
                return n;
            } catch (IOException e) {
                if (resumes >= storage.settings().maxAttempts() - 1) {
                    throw storage.errors().translate("read", name, e);
                }
                resumes++;
                LOG.debug(
                        "read of {} broke at byte {} ({}); resuming",
                        name,
                        position,
                        e.getClass().getSimpleName());
                in.abort();
                ResponseInputStream<GetObjectResponse> next = storage.get(name, position, etag);
                if (next == null) {
                    eof = true;
                    return -1;
                }
                in = next;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (in != null) {
            if (!eof) {
                in.abort(); // don't drain the rest of a large object
            }
            in.close();
        }
    }
}
