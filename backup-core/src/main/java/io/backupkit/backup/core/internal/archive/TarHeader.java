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

    /** The header records (a multiple of 512 bytes) into {@code out}. */
    void writeTo(ByteArrayOutputStream out) {
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        boolean asciiName = isAscii(name);
        boolean asciiLink = isAscii(linkName);
        if ((!asciiName && !isUtf8(name)) || (!asciiLink && !isUtf8(linkName))) {
            record(pax, "hdrcharset", "BINARY".getBytes(StandardCharsets.US_ASCII));
        }
        if (name.length > 100 || !asciiName) {
            record(pax, "path", name);
        }
        if (linkName.length > 100 || !asciiLink) {
            record(pax, "linkpath", linkName);
        }
        if (size > MAX_OCTAL_11) {
            record(pax, "size", Long.toString(size).getBytes(StandardCharsets.US_ASCII));
        }
        if (nanos != 0 || seconds < 0 || seconds > MAX_OCTAL_11) {
            record(pax, "mtime", decimalSeconds().getBytes(StandardCharsets.US_ASCII));
        }
        if (pax.size() > 0) {
            byte[] paxName = ("PaxHeaders/" + asciiTail()).getBytes(StandardCharsets.US_ASCII);
            out.writeBytes(
                    ustar(paxName, PAX, 0644, pax.size(), Math.max(0, Math.min(seconds, MAX_OCTAL_11)), new byte[0]));
            out.writeBytes(pax.toByteArray());
            out.writeBytes(new byte[(int) (-pax.size() & (RECORD - 1))]);
        }
        out.writeBytes(ustar(
                name,
                type,
                mode,
                size > MAX_OCTAL_11 ? 0 : size,
                seconds < 0 || seconds > MAX_OCTAL_11 ? 0 : seconds,
                linkName));
    }

    private String decimalSeconds() {
        if (nanos == 0) {
            return Long.toString(seconds);
        }
        if (seconds < 0) {
            // PAX times are signed decimals: -1.25 is 1.25 s before the epoch
            long whole = seconds + 1;
            return (whole == 0 ? "-0" : Long.toString(whole)) + "." + fraction(1_000_000_000 - nanos);
        }
        return seconds + "." + fraction(nanos);
    }

    /** Nanoseconds as the digits after a decimal point, without trailing zeros (one header per file: no Formatter). */
    private static String fraction(int nanos) {
        char[] digits = new char[9];
        int v = nanos;
        for (int i = 8; i >= 0; i--) {
            digits[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        int len = 9;
        while (len > 1 && digits[len - 1] == '0') {
            len--;
        }
        return new String(digits, 0, len);
    }

    /** A PAX header's own name: the entry's last bytes, ASCII only, so no reader trips over it. */
    private String asciiTail() {
        StringBuilder sb = new StringBuilder();
        for (byte b : name) {
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '_');
        }
        String s = sb.toString();
        return s.length() > 80 ? s.substring(s.length() - 80) : s;
    }

    private static byte[] ustar(byte[] name, byte type, int mode, long size, long mtime, byte[] linkName) {
        byte[] h = new byte[RECORD];
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = type;
        System.arraycopy(linkName, 0, h, 157, Math.min(100, linkName.length));
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        octal(h, 329, 8, 0);
        octal(h, 337, 8, 0);
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    /** A zero-padded octal number of {@code len - 1} digits and a NUL. */
    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        int digits = len - 1;
        for (int i = 0; i < digits; i++) {
            int from = i - (digits - s.length());
            h[off + i] = (byte) (from < 0 ? '0' : s.charAt(from));
        }
        h[off + digits] = 0;
    }

    /** "{@code <length> <key>=<value>\n}", the length counting itself. */
    private static void record(ByteArrayOutputStream pax, String key, byte[] value) {
        int rest = 1 + key.length() + 1 + value.length + 1;
        int len = rest + Integer.toString(rest).length();
        if (Integer.toString(len).length() != Integer.toString(rest).length()) {
            len++;
        }
        pax.writeBytes((len + " " + key + "=").getBytes(StandardCharsets.US_ASCII));
        pax.writeBytes(value);
        pax.write('\n');
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
