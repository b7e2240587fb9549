package io.backupkit.backup.core.internal.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One entry's header records as GNU tar writes them with {@code --format=posix}: a ustar header,
 * preceded by a PAX extended header when a value does not fit it (a name or link target over 100
 * bytes or outside ASCII, a size from 8 GiB, sub-second times). Names and link targets are bytes: a
 * name that is not UTF-8 is written as it is, with {@code hdrcharset=BINARY}. Owners are never
 * written (uid/gid 0, empty names).
 *
 * @param name the entry name, '/' separated, relative; a folder's ends with '/'
 * @param type the ustar type flag ('0' file, '1' hard link, '2' symbolic link, '5' folder, '6' FIFO)
 * @param mode permission and special bits (07777 at most)
 * @param size content bytes (0 for everything but files)
 * @param seconds modification time, seconds since the epoch
 * @param nanos modification time, nanoseconds within the second
 * @param linkName the link target for links, else empty
 */
public record TarHeader(byte[] name, byte type, int mode, long size, long seconds, int nanos, byte[] linkName) {
    static final int RECORD = 512;
    public static final byte FILE = '0';
    public static final byte HARD_LINK = '1';
    public static final byte SYMLINK = '2';
    public static final byte DIRECTORY = '5';
    public static final byte FIFO = '6';
    private static final byte PAX = 'x';
    private static final long MAX_OCTAL_11 = 077777777777L;

    /** The ustar fields every header shares: magic, version, owner ids and device numbers of zero. */
    private static final byte[] TEMPLATE = template();

    private static final byte[] HDRCHARSET = ascii("hdrcharset");
    private static final byte[] BINARY = ascii("BINARY");
    private static final byte[] PATH = ascii("path");
    private static final byte[] LINKPATH = ascii("linkpath");
    private static final byte[] SIZE = ascii("size");
    private static final byte[] MTIME = ascii("mtime");
    private static final byte[] PAX_PREFIX = ascii("PaxHeaders/");

    /**
     * The header records (a multiple of 512 bytes) into {@code out}. Built in byte arrays without
     * strings: this runs once per media entry.
     */
    void writeTo(ByteArrayOutputStream out) {
        boolean asciiName = isAscii(name);
        boolean asciiLink = isAscii(linkName);
        boolean binary = (!asciiName && !isUtf8(name)) || (!asciiLink && !isUtf8(linkName));
        boolean path = name.length > 100 || !asciiName;
        boolean linkPath = linkName.length > 100 || !asciiLink;
        boolean bigSize = size > MAX_OCTAL_11;
        boolean time = nanos != 0 || seconds < 0 || seconds > MAX_OCTAL_11;
        if (binary || path || linkPath || bigSize || time) {
            Pax pax = new Pax(64 + (path ? name.length + 16 : 0) + (linkPath ? linkName.length + 16 : 0));
            if (binary) {
                pax.record(HDRCHARSET, BINARY, 0, BINARY.length);
            }
            if (path) {
                pax.record(PATH, name, 0, name.length);
            }
            if (linkPath) {
                pax.record(LINKPATH, linkName, 0, linkName.length);
            }
            byte[] digits = new byte[32];
            if (bigSize) {
                int from = decimal(size, digits, digits.length);
                pax.record(SIZE, digits, from, digits.length - from);
            }
            if (time) {
                int from = decimalSeconds(digits);
                pax.record(MTIME, digits, from, digits.length - from);
            }
            byte[] records = new byte[RECORD + ((pax.length + RECORD - 1) & -RECORD)];
            ustar(records, paxName(), PAX, 0644, pax.length, Math.max(0, Math.min(seconds, MAX_OCTAL_11)), NONE);
            System.arraycopy(pax.bytes, 0, records, RECORD, pax.length);
            out.write(records, 0, records.length);
        }
        byte[] h = new byte[RECORD];
        ustar(
                h,
                name,
                type,
                mode,
                size > MAX_OCTAL_11 ? 0 : size,
                seconds < 0 || seconds > MAX_OCTAL_11 ? 0 : seconds,
                linkName);
        out.write(h, 0, RECORD);
    }

    private static final byte[] NONE = new byte[0];

    /** The PAX records of one header, "{@code <length> <key>=<value>\n}" each, the length counting itself. */
    private static final class Pax {
        byte[] bytes;
        int length;

        Pax(int capacity) {
            bytes = new byte[capacity];
        }

        void record(byte[] key, byte[] value, int off, int len) {
            int rest = 1 + key.length + 1 + len + 1;
            int total = rest + digitCount(rest);
            if (digitCount(total) != digitCount(rest)) {
                total++;
            }
            if (length + total > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + total));
            }
            int end = length + digitCount(total);
            decimal(total, bytes, end);
            bytes[end++] = ' ';
            System.arraycopy(key, 0, bytes, end, key.length);
            end += key.length;
            bytes[end++] = '=';
            System.arraycopy(value, off, bytes, end, len);
            end += len;
            bytes[end++] = '\n';
            length = end;
        }
    }

    private static int digitCount(long v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** Writes {@code v >= 0} in decimal ending before {@code end}; returns where its first digit is. */
    private static int decimal(long v, byte[] b, int end) {
        int i = end;
        do {
            b[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return i;
    }

    /**
     * The modification time as a PAX decimal, at the end of {@code b} (32 bytes); returns where it
     * starts. PAX times are signed decimals: -1.25 is 1.25 s before the epoch.
     */
    private int decimalSeconds(byte[] b) {
        int end = b.length;
        if (nanos == 0) {
            if (seconds >= 0) {
                return decimal(seconds, b, end);
            }
            int i = decimal(-seconds, b, end); // seconds > Long.MIN_VALUE: it came from an Instant
            b[--i] = '-';
            return i;
        }
        int fraction = seconds < 0 ? 1_000_000_000 - nanos : nanos;
        int len = 9;
        while (fraction % 10 == 0) {
            fraction /= 10;
            len--;
        }
        int i = end - len;
        for (int k = end - 1; k >= i; k--) {
            b[k] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        b[--i] = '.';
        long whole = seconds < 0 ? seconds + 1 : seconds;
        i = decimal(Math.abs(whole), b, i);
        if (seconds < 0) {
            b[--i] = '-';
        }
        return i;
    }

    /** A PAX header's own name: the entry's last bytes, ASCII only, so no reader trips over it. */
    private byte[] paxName() {
        int tail = Math.min(80, name.length);
        byte[] n = Arrays.copyOf(PAX_PREFIX, PAX_PREFIX.length + tail);
        for (int i = 0; i < tail; i++) {
            byte b = name[name.length - tail + i];
            n[PAX_PREFIX.length + i] = b >= 0x20 && b < 0x7f ? b : (byte) '_';
        }
        return n;
    }

    private static void ustar(byte[] h, byte[] name, byte type, int mode, long size, long mtime, byte[] linkName) {
        System.arraycopy(TEMPLATE, 0, h, 0, RECORD);
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode & 07777);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = type;
        System.arraycopy(linkName, 0, h, 157, Math.min(100, linkName.length));
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
    }

    private static byte[] template() {
        byte[] h = new byte[RECORD];
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        System.arraycopy(ascii("ustar\0"), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        octal(h, 329, 8, 0);
        octal(h, 337, 8, 0);
        Arrays.fill(h, 148, 156, (byte) ' '); // the checksum is summed with its own field as spaces
        return h;
    }

    /** A zero-padded octal number of {@code len - 1} digits (its lowest ones) and a NUL. */
    private static void octal(byte[] h, int off, int len, long value) {
        long v = value;
        for (int i = off + len - 2; i >= off; i--) {
            h[i] = (byte) ('0' + (v & 7));
            v >>>= 3;
        }
        h[off + len - 1] = 0;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 && b >= 0 || b < 0) {
                return false;
            }
        }
        return true;
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
