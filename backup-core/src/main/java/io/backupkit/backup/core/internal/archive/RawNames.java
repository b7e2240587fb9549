package io.backupkit.backup.core.internal.archive;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names as the bytes the file system holds, also when they are not UTF-8. A {@code Path} keeps
 * the bytes it was made of, but its {@code toString()} replaces what is not UTF-8 with U+FFFD and a
 * {@code String} that is not UTF-8 cannot be made into a path. A {@code file:} URI carries the bytes
 * percent-escaped both ways ({@link Path#toUri()} and {@link Path#of(URI)}), so names whose string has
 * a U+FFFD go through one.
 */
public final class RawNames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RawNames() {}

    /** Whether a name read from the file system may have lost bytes in its string. */
    static boolean isLossy(String s) {
        return s != null && s.indexOf('\uFFFD') >= 0;
    }

    /** Whether a name the tar parser decoded may have lost bytes (its ustar fields decode them to '?'). */
    static boolean isLossyInTar(String s) {
        return s != null && (s.indexOf('\uFFFD') >= 0 || s.indexOf('?') >= 0);
    }

    /** The ASCII characters of a name but '?': what two decodings of the same bytes share. */
    static String asciiSkeleton(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && c != '?') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The bytes of {@code name}, the last name of {@code absolute}: its string's, unless that lost some. */
    public static byte[] nameBytes(String name, Path absolute) {
        return isLossy(name) ? lastName(absolute) : name.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes of a link target as {@code readlink} gave them: its string's, unless that lost some. */
    public static byte[] targetBytes(Path target) {
        String text = target.toString();
        return isLossy(text) ? linkTarget(target) : text.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes of the last name of an absolute path (one {@code stat} of it). */
    static byte[] lastName(Path absolute) {
        String raw = absolute.toUri().getRawPath();
        int end = raw.length();
        if (end > 1 && raw.charAt(end - 1) == '/') {
            end--; // toUri() marks a folder with a slash
        }
        return decode(raw, raw.lastIndexOf('/', end - 1) + 1, end);
    }

    /** The bytes of a link target as {@code readlink} gave them. */
    static byte[] linkTarget(Path target) {
        boolean absolute = target.isAbsolute();
        Path anchored = absolute ? target : target.getFileSystem().getPath("/").resolve(target);
        String raw = anchored.toUri().getRawPath();
        int end = raw.length();
        if (end > 1 && raw.charAt(end - 1) == '/' && !target.toString().endsWith("/")) {
            end--; // added by toUri() because the target is a folder
        }
        return decode(raw, absolute ? 0 : 1, end);
    }

    /**
     * The path {@code relative} (bytes, '/'-separated) below {@code base}, made of exactly those bytes.
     *
     * @param base an absolute folder, as {@link #prefix(Path)}
     */
    static Path resolve(String base, byte[] relative) {
        return Path.of(URI.create(base + encode(relative)));
    }

    /** The URI form of an absolute folder for {@link #resolve}, ending with '/'. */
    static String prefix(Path absoluteDir) {
        String uri = absoluteDir.toUri().toString();
        return uri.endsWith("/") ? uri : uri + "/";
    }

    /** A link target made of exactly these bytes (relative unless they start with '/'). */
    static Path linkTarget(byte[] raw) {
        if (raw.length > 0 && raw[0] == '/') {
            return Path.of(URI.create("file://" + encode(raw)));
        }
        Path anchored = Path.of(URI.create("file:///" + encode(raw)));
        return anchored.getNameCount() == 0 ? anchored : anchored.subpath(0, anchored.getNameCount());
    }

    /** Percent-escapes every byte but unreserved ASCII and '/'. */
    static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '/'
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    private static byte[] decode(String raw, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
