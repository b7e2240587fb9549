package io.backupkit.backup.db.mysql;

import java.nio.charset.StandardCharsets;

/**
 * Watches a dump as it streams by: keeps its last bytes (to see the {@code -- Dump completed} line
 * that mysqldump and mariadb-dump write last) and checks that it is valid UTF-8 (a dump written with
 * {@code --default-character-set=utf8mb4 --hex-blob} always is, so anything else is damage). Internal.
 */
final class DumpTail {
    private static final byte[] COMPLETED = "-- Dump completed".getBytes(StandardCharsets.US_ASCII);
    private static final int KEEP = 256;

    private final byte[] tail = new byte[KEEP];
    private int tailLength;
    private long total;
    private int pending; // UTF-8 continuation bytes still expected
    private int min; // lowest allowed value of the next continuation byte (overlong / surrogate checks)
    private int max;
    private long invalidAt = -1;

    void update(byte[] buf, int off, int len) {
        for (int i = 0; i < len && invalidAt < 0; i++) {
            checkUtf8(buf[off + i] & 0xFF, total + i);
        }
        total += len;
        if (len >= KEEP) {
            System.arraycopy(buf, off + len - KEEP, tail, 0, KEEP);
            tailLength = KEEP;
        } else {
            int keep = Math.min(tailLength, KEEP - len);
            System.arraycopy(tail, tailLength - keep, tail, 0, keep);
            System.arraycopy(buf, off, tail, keep, len);
            tailLength = keep + len;
        }
    }

    private void checkUtf8(int b, long position) {
        if (pending > 0) {
            if (b < min || b > max) {
                invalidAt = position;
                return;
            }
            pending--;
            min = 0x80;
            max = 0xBF;
            return;
        }
        min = 0x80;
        max = 0xBF;
        if (b < 0x80) {
            return;
        } else if (b >= 0xC2 && b <= 0xDF) {
            pending = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            pending = 2;
            if (b == 0xE0) {
                min = 0xA0;
            } else if (b == 0xED) {
                max = 0x9F;
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            pending = 3;
            if (b == 0xF0) {
                min = 0x90;
            } else if (b == 0xF4) {
                max = 0x8F;
            }
        } else {
            invalidAt = position;
        }
    }

    long total() {
        return total;
    }

    /**
     * The offset of the first byte seen so far that is not valid UTF-8, or -1. A character still
     * unfinished is not counted: the next bytes may finish it (see {@link #invalidUtf8At()}).
     */
    long invalidSoFar() {
        return invalidAt;
    }

    /** The offset of the first byte that is not valid UTF-8, or -1; at the end of the dump. */
    long invalidUtf8At() {
        if (invalidAt < 0 && pending > 0) {
            return total;
        }
        return invalidAt;
    }

    /** Whether the completion line is among the last bytes. */
    boolean completed() {
        outer:
        for (int i = tailLength - COMPLETED.length; i >= 0; i--) {
            for (int j = 0; j < COMPLETED.length; j++) {
                if (tail[i + j] != COMPLETED[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
