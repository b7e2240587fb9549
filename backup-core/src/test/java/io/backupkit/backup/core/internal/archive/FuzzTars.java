package io.backupkit.backup.core.internal.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Seeded mutations of tar archives for {@link ArchiveFuzzTest}. */
final class FuzzTars {
    private static final String[] HOSTILE_NAMES = {
        "../x",
        "/etc/x",
        "a/../../x",
        "a/..",
        "..",
        ".",
        "",
        "a\\b",
        "x/../../../y",
        "../media-evil/z",
        "ok/./../../w",
        "//",
        "a//b/",
        "C:/x",
        "\u00e9\u00e8/../..",
        "n".repeat(99)
    };
    private static final byte[] TYPES = {
        '0', '1', '2', '3', '4', '5', '6', '7', 'x', 'g', 'L', 'K', 'S', 'D', 'V', 0, 'Z'
    };

    private FuzzTars() {}

    /** Offsets of the 512-byte records that look like ustar headers. */
    static List<Integer> headers(byte[] tar) {
        List<Integer> offsets = new ArrayList<>();
        for (int off = 0; off + 512 <= tar.length; off += 512) {
            if (tar[off + 257] == 'u'
                    && tar[off + 258] == 's'
                    && tar[off + 259] == 't'
                    && tar[off + 260] == 'a'
                    && tar[off + 261] == 'r') {
                offsets.add(off);
            }
        }
        return offsets;
    }

    /** Recomputes the checksum of the header at {@code off}, so a mutated header still parses. */
    static void fixChecksum(byte[] tar, int off) {
        Arrays.fill(tar, off + 148, off + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[off + i] & 0xff;
        }
        byte[] field = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, tar, off + 148, 6);
        tar[off + 154] = 0;
        tar[off + 155] = ' ';
    }

    /** One mutation of {@code base}, chosen and shaped by {@code random}; {@code what} gets a description. */
    static byte[] mutate(byte[] base, Random random, StringBuilder what) {
        byte[] tar = base.clone();
        List<Integer> headers = headers(tar);
        int header = headers.isEmpty() ? 0 : headers.get(random.nextInt(headers.size()));
        int kind = random.nextInt(9);
        switch (kind) {
            case 0 -> {
                int flips = 1 + random.nextInt(8);
                what.append("flip ").append(flips).append(" bytes");
                for (int i = 0; i < flips; i++) {
                    tar[random.nextInt(tar.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                int flips = 1 + random.nextInt(6);
                what.append("flip ")
                        .append(flips)
                        .append(" header bytes at ")
                        .append(header)
                        .append(", checksum fixed");
                for (int i = 0; i < flips; i++) {
                    int field = random.nextInt(512);
                    if (field < 148 || field >= 156) {
                        tar[header + field] = (byte) random.nextInt(256);
                    }
                }
                fixChecksum(tar, header);
            }
            case 2 -> {
                int cut = random.nextInt(tar.length);
                what.append("truncate at ").append(cut);
                tar = Arrays.copyOf(tar, cut);
            }
            case 3 -> {
                byte type = TYPES[random.nextInt(TYPES.length)];
                what.append("type ").append((char) type).append(" at ").append(header);
                tar[header + 156] = type;
                fixChecksum(tar, header);
            }
            case 4 -> {
                int len = random.nextInt(4096);
                what.append("random ").append(len).append(" bytes");
                tar = new byte[len];
                random.nextBytes(tar);
                if (len >= 512 && random.nextBoolean()) {
                    System.arraycopy(base, 0, tar, 0, 257 + 6);
                    fixChecksum(tar, 0);
                }
            }
            case 5 -> {
                int from = random.nextInt(tar.length);
                int to = random.nextInt(tar.length);
                int len = Math.min(1 + random.nextInt(2048), Math.min(tar.length - from, tar.length - to));
                what.append("copy ")
                        .append(len)
                        .append(" bytes from ")
                        .append(from)
                        .append(" to ")
                        .append(to);
                System.arraycopy(base, from, tar, to, len);
            }
            case 6 -> {
                long size =
                        switch (random.nextInt(4)) {
                            case 0 -> random.nextInt(5000);
                            case 1 -> 1L << (20 + random.nextInt(13));
                            case 2 -> 077777777777L;
                            default -> -1;
                        };
                what.append("size ").append(size).append(" at ").append(header);
                byte[] field = size < 0
                        ? new byte[] {
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff,
                            (byte) 0xff
                        }
                        : String.format("%011o ", size).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(field, 0, tar, header + 124, 12);
                fixChecksum(tar, header);
            }
            case 7 -> {
                String name = HOSTILE_NAMES[random.nextInt(HOSTILE_NAMES.length)];
                what.append("name '").append(name).append("' at ").append(header);
                byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
                Arrays.fill(tar, header, header + 100, (byte) 0);
                System.arraycopy(bytes, 0, tar, header, Math.min(100, bytes.length));
                fixChecksum(tar, header);
            }
            default -> {
                what.append("mode and mtime at ").append(header);
                byte[] mode = String.format("%07o", random.nextInt(1 << 18)).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(mode, 0, tar, header + 100, 7);
                for (int i = 136; i < 147; i++) {
                    tar[header + i] = (byte) ('0' + random.nextInt(8));
                }
                fixChecksum(tar, header);
            }
        }
        return tar;
    }
}
