package io.backupkit.backup.core.h2;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The framing of an {@code h2} dump: a plain H2 SQL script (runnable by hand with {@code RUNSCRIPT})
 * between two comment lines the dumper adds.
 *
 * <pre>
 * -- backupkit h2 dump 1
 * -- H2 2.3.232;                 (the SCRIPT output, one row per line)
 * ...
 * -- backupkit h2 dump end: statements=123 sha256=&lt;hex&gt;
 * </pre>
 *
 * The SHA-256 is over every byte before the end line followed by the ASCII text {@code
 * statements=123}. The end line makes truncation and damage detectable before the database is touched, whatever the
 * cut: a script cut at a statement boundary is still valid SQL.
 */
final class H2DumpFormat {
    static final String HEADER = "-- backupkit h2 dump 1";
    static final String TRAILER_PREFIX = "-- backupkit h2 dump end: ";
    private static final byte[] HEADER_BYTES = (HEADER + "\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRAILER_BYTES = TRAILER_PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final Pattern TRAILER =
            Pattern.compile(Pattern.quote(TRAILER_PREFIX) + "statements=(\\d{1,18}) sha256=([0-9a-f]{64})");
    private static final int MAX_TRAILER = 256;

    private H2DumpFormat() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The end line for a body whose bytes went into {@code digest}; the statement count is bound into
     * the digest too.
     */
    static String trailer(long statements, MessageDigest digest) {
        digest.update(countBytes(statements));
        return TRAILER_PREFIX + "statements=" + statements + " sha256="
                + HexFormat.of().formatHex(digest.digest()) + "\n";
    }

    private static byte[] countBytes(long statements) {
        return ("statements=" + statements).getBytes(StandardCharsets.US_ASCII);
    }

    /** What the end line promises. */
    record Trailer(long statements, String sha256) {}

    /** Thrown when the bytes are not a complete, intact dump; the message says what is wrong. */
    static final class DamagedDumpException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedDumpException(String message) {
            super(message);
        }
    }

    /** Reads {@code in} to its end and checks the framing and digest. Does not close {@code in}. */
    static Trailer verify(InputStream in) throws IOException {
        Verifier v = new Verifier();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) >= 0) {
            v.update(buf, 0, n);
        }
        return v.finish();
    }

    /** An input stream that checks the framing of everything read through it; see {@link #finish()}. */
    static final class VerifyingInputStream extends FilterInputStream {
        private final Verifier verifier = new Verifier();

        VerifyingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                verifier.update(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                verifier.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not supported while verifying");
        }

        /** Reads what is left and returns the verified end line. */
        Trailer finish() throws IOException {
            byte[] buf = new byte[1 << 14];
            while (read(buf, 0, buf.length) >= 0) {
                // drain
            }
            return verifier.finish();
        }
    }

    /**
     * Streaming check: every byte before the end line goes into SHA-256; the end line is recognised
     * by its prefix at the start of a line and must be the last line.
     */
    static final class Verifier {
        private final MessageDigest digest = sha256();
        private final byte[] head = new byte[MAX_TRAILER];
        private int headLen;
        private boolean atLineStart = true;
        private boolean inHead;
        private boolean inTrailer;
        private boolean trailerDone;
        private boolean headerChecked;
        private long total;

        void update(byte[] b, int off, int len) throws DamagedDumpException {
            int end = off + len;
            int i = off;
            while (i < end) {
                if (trailerDone) {
                    throw new DamagedDumpException("there are bytes after the end line");
                }
                if (!headerChecked) {
                    byte expected = HEADER_BYTES[(int) total];
                    if (b[i] != expected) {
                        throw new DamagedDumpException("it does not start with '" + HEADER + "'");
                    }
                    digest.update(b[i]);
                    total++;
                    i++;
                    if (total == HEADER_BYTES.length) {
                        headerChecked = true;
                        atLineStart = true;
                    }
                    continue;
                }
                if (atLineStart) {
                    atLineStart = false;
                    inHead = true;
                    headLen = 0;
                }
                if (inHead || inTrailer) {
                    byte c = b[i++];
                    total++;
                    if (headLen == head.length) {
                        throw new DamagedDumpException("its end line is too long");
                    }
                    head[headLen++] = c;
                    if (inHead) {
                        int k = headLen - 1;
                        if (k < TRAILER_BYTES.length && c != TRAILER_BYTES[k]) {
                            // an ordinary line: digest what was held back, then stream the rest
                            digest.update(head, 0, headLen);
                            inHead = false;
                            atLineStart = c == '\n';
                        } else if (headLen == TRAILER_BYTES.length) {
                            inHead = false;
                            inTrailer = true;
                        }
                    } else if (c == '\n') {
                        inTrailer = false;
                        trailerDone = true;
                    }
                    continue;
                }
                // inside an ordinary line: digest up to and including the next line break
                int j = i;
                while (j < end && b[j] != '\n') {
                    j++;
                }
                if (j < end) {
                    j++;
                    atLineStart = true;
                }
                digest.update(b, i, j - i);
                total += j - i;
                i = j;
            }
        }

        Trailer finish() throws DamagedDumpException {
            if (total == 0) {
                throw new DamagedDumpException("it is empty");
            }
            if (!headerChecked) {
                throw new DamagedDumpException("it ends inside its first line");
            }
            if (!trailerDone) {
                throw new DamagedDumpException(
                        "its end line is missing (the dump is truncated, or was not made by the h2 dumper)");
            }
            String line = new String(head, 0, headLen - 1, StandardCharsets.US_ASCII);
            Matcher m = TRAILER.matcher(line);
            if (!m.matches()) {
                throw new DamagedDumpException("its end line is malformed");
            }
            long statements = Long.parseLong(m.group(1));
            digest.update(countBytes(statements));
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(m.group(2))) {
                throw new DamagedDumpException("its content does not match the SHA-256 in its end line (expected "
                        + m.group(2) + ", found " + actual + ")");
            }
            Arrays.fill(head, (byte) 0);
            return new Trailer(statements, actual);
        }
    }
}
