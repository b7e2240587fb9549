package io.backupkit.backup.db.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code sqlite} dump: the database file, page for page as SQLite's backup API wrote it, followed
 * by one fixed-length ASCII line that holds its length and SHA-256:
 *
 * <pre>
 * backupkit-sqlite-dump-1 bytes=00000000000000008192 sha256=&lt;64 hex digits&gt;\n
 * </pre>
 *
 * The line makes truncation and damage detectable while the dump is streamed, before anything is
 * swapped in. Without this library, {@code head -c -123 dump > app.db} gives back the database file.
 */
final class SqliteDumpFormat {
    static final String FORMAT = "sqlite3";
    static final int TRAILER_LENGTH = 123;
    private static final String MAGIC = "backupkit-sqlite-dump-1 ";
    private static final Pattern TRAILER =
            Pattern.compile(Pattern.quote(MAGIC) + "bytes=(\\d{20}) sha256=([0-9a-f]{64})\n");
    /** The first 16 bytes of every SQLite 3 database file. */
    static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private SqliteDumpFormat() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The end line for {@code bytes} database bytes whose digest is {@code sha256}. */
    static byte[] trailer(long bytes, byte[] sha256) {
        String line = MAGIC + "bytes=" + String.format("%020d", bytes) + " sha256="
                + HexFormat.of().formatHex(sha256) + "\n";
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        if (b.length != TRAILER_LENGTH) {
            throw new IllegalStateException("trailer length " + b.length);
        }
        return b;
    }

    /** The bytes are not a complete, intact dump; the message says what is wrong. */
    static final class DamagedDumpException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedDumpException(String message) {
            super(message);
        }
    }

    /**
     * Copies the database part of a dump from {@code in} to {@code out}, holding back the last
     * {@link #TRAILER_LENGTH} bytes, then checks them against what was copied. Returns the database
     * length. {@code beforeWrite} runs before each chunk (for cancellation checks).
     */
    static long copyVerified(InputStream in, OutputStream out, Runnable beforeWrite) throws IOException {
        MessageDigest digest = sha256();
        byte[] buf = new byte[1 << 16];
        byte[] tail = new byte[TRAILER_LENGTH];
        int tailLen = 0;
        long written = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            beforeWrite.run();
            // everything except the newest TRAILER_LENGTH bytes is database content
            int total = tailLen + n;
            int flush = Math.max(0, total - TRAILER_LENGTH);
            int fromTail = Math.min(flush, tailLen);
            if (fromTail > 0) {
                write(out, digest, tail, 0, fromTail, written);
                written += fromTail;
            }
            int fromBuf = flush - fromTail;
            if (fromBuf > 0) {
                write(out, digest, buf, 0, fromBuf, written);
                written += fromBuf;
            }
            byte[] next = new byte[TRAILER_LENGTH];
            int keepFromTail = tailLen - fromTail;
            System.arraycopy(tail, fromTail, next, 0, keepFromTail);
            System.arraycopy(buf, fromBuf, next, keepFromTail, n - fromBuf);
            tail = next;
            tailLen = keepFromTail + n - fromBuf;
        }
        if (written == 0 && tailLen == 0) {
            throw new DamagedDumpException("it is empty");
        }
        if (tailLen < TRAILER_LENGTH) {
            throw new DamagedDumpException("it is shorter than its end line (truncated)");
        }
        Matcher m = TRAILER.matcher(new String(tail, StandardCharsets.ISO_8859_1));
        if (!m.matches()) {
            throw new DamagedDumpException("its end line is missing or damaged (truncated or not a sqlite dump)");
        }
        long expected = Long.parseLong(m.group(1));
        if (expected != written) {
            throw new DamagedDumpException("it holds " + written + " database bytes, its end line says " + expected);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(m.group(2))) {
            throw new DamagedDumpException("its SHA-256 is " + actual + ", its end line says " + m.group(2));
        }
        return written;
    }

    private static void write(OutputStream out, MessageDigest digest, byte[] b, int off, int len, long position)
            throws IOException {
        if (position < SQLITE_HEADER.length) {
            int check = (int) Math.min(len, SQLITE_HEADER.length - position);
            if (!Arrays.equals(b, off, off + check, SQLITE_HEADER, (int) position, (int) position + check)) {
                throw new DamagedDumpException("it does not start with the SQLite 3 file header");
            }
        }
        digest.update(b, off, len);
        out.write(b, off, len);
    }
}
