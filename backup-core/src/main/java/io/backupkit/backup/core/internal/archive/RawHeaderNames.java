package io.backupkit.backup.core.internal.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The name and link target of a tar entry as bytes, read from its raw header records (PAX {@code path} and
 * {@code linkpath}, GNU long names, the ustar fields, in that order). The tar parser decodes them as UTF-8,
 * which loses the bytes of names that are not (GNU tar writes those with {@code hdrcharset=BINARY}); the
 * extractor asks this class only for names whose string shows that loss.
 *
 * @param name the entry name, leading slashes removed as the tar parser removes them
 * @param link the link target, empty when there is none
 */
record RawHeaderNames(byte[] name, byte[] link) {
    private static final int RECORD = 512;

    /** Parses the header records of one entry; empty when they are not what a tar parser accepted. */
    static Optional<RawHeaderNames> parse(byte[] h) {
        byte[] paxPath = null;
        byte[] paxLink = null;
        byte[] longName = null;
        byte[] longLink = null;
        int off = 0;
        while (off + RECORD <= h.length) {
            byte type = h[off + 156];
            long size = octal(h, off + 124, 12);
            int data = off + RECORD;
            if (size < 0 || size > h.length - data) {
                // an entry's own header: its content is not part of the header bytes
                if (isExtension(type)) {
                    return Optional.empty();
                }
                size = 0;
            }
            switch (type) {
                case 'x', 'X' -> {
                    Pax found = pax(h, data, (int) size);
                    if (found == null) {
                        return Optional.empty();
                    }
                    paxPath = found.path() != null ? found.path() : paxPath;
                    paxLink = found.link() != null ? found.link() : paxLink;
                }
                case 'L' -> longName = cString(h, data, (int) size);
                case 'K' -> longLink = cString(h, data, (int) size);
                case 'g' -> {
                    // global header: no name of this entry
                }
                default -> {
                    byte[] name = paxPath != null ? paxPath : longName != null ? longName : ustarName(h, off);
                    byte[] link = paxLink != null ? paxLink : longLink != null ? longLink : cString(h, off + 157, 100);
                    return Optional.of(new RawHeaderNames(withoutLeadingSlashes(name), link));
                }
            }
            off = data + (int) ((size + RECORD - 1) / RECORD * RECORD);
        }
        return Optional.empty();
    }

    private static boolean isExtension(byte type) {
        return type == 'x' || type == 'X' || type == 'L' || type == 'K' || type == 'g';
    }

    /** The {@code path} and {@code linkpath} records of a PAX header, each null when absent. */
    private record Pax(byte[] path, byte[] link) {}

    /** {@code path} and {@code linkpath} of a PAX header's records; {@code null} when malformed. */
    private static Pax pax(byte[] h, int from, int size) {
        byte[] path = null;
        byte[] link = null;
        int pos = from;
        int end = from + size;
        while (pos < end) {
            int space = pos;
            while (space < end && h[space] != ' ') {
                space++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(h, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                if (Arrays.mismatch(h, pos, end, new byte[end - pos], 0, end - pos) < 0) {
                    break; // zero padding after the last record
                }
                return null;
            }
            int recordEnd = pos + len;
            if (len <= 0 || recordEnd > end || h[recordEnd - 1] != '\n') {
                return null;
            }
            int eq = space + 1;
            while (eq < recordEnd && h[eq] != '=') {
                eq++;
            }
            if (eq >= recordEnd) {
                return null;
            }
            String key = new String(h, space + 1, eq - space - 1, StandardCharsets.US_ASCII);
            byte[] value = Arrays.copyOfRange(h, eq + 1, recordEnd - 1);
            if (key.equals("path")) {
                path = value;
            } else if (key.equals("linkpath")) {
                link = value;
            }
            pos = recordEnd;
        }
        return new Pax(path, link);
    }

    private static byte[] ustarName(byte[] h, int off) {
        byte[] name = cString(h, off, 100);
        boolean posix = Arrays.equals(h, off + 257, off + 262, "ustar".getBytes(StandardCharsets.US_ASCII), 0, 5);
        boolean gnu = posix && h[off + 262] == ' ';
        if (posix && !gnu) {
            byte[] prefix = cString(h, off + 345, 155);
            if (prefix.length > 0) {
                byte[] full = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
                full[prefix.length] = '/';
                System.arraycopy(name, 0, full, prefix.length + 1, name.length);
                return full;
            }
        }
        return name;
    }

    private static byte[] cString(byte[] h, int off, int max) {
        int end = off;
        while (end < off + max && end < h.length && h[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(h, off, end);
    }

    private static byte[] withoutLeadingSlashes(byte[] name) {
        int i = 0;
        while (i < name.length && name[i] == '/') {
            i++;
        }
        return i == 0 ? name : Arrays.copyOfRange(name, i, name.length);
    }

    /** An octal field (spaces and NULs around the digits allowed); -1 when it is not one. */
    private static long octal(byte[] h, int off, int len) {
        long v = 0;
        boolean digits = false;
        for (int i = off; i < off + len; i++) {
            byte b = h[i];
            if (b >= '0' && b <= '7') {
                v = v * 8 + (b - '0');
                digits = true;
                if (v > Integer.MAX_VALUE) {
                    return -1;
                }
            } else if ((b == ' ' || b == 0) && !digits) {
                continue;
            } else if (b == ' ' || b == 0) {
                break;
            } else {
                return -1;
            }
        }
        return digits ? v : 0;
    }
}
