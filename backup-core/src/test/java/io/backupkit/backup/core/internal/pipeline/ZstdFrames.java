package io.backupkit.backup.core.internal.pipeline;

import java.util.ArrayList;
import java.util.List;

/** Test helper: walks the frames of a zstd stream (RFC 8878) without decoding them. */
public final class ZstdFrames {
    private ZstdFrames() {}

    /**
     * One entry per frame: {@code "raw N"} for a frame as the storing compressor writes it (no content
     * size, a 128 KiB window, raw blocks only; N content bytes), {@code "zstd"} for any other.
     */
    public static List<String> describe(byte[] z) {
        List<String> frames = new ArrayList<>();
        int p = 0;
        while (p < z.length) {
            if (z.length - p < 6
                    || (z[p] & 0xFF) != 0x28
                    || (z[p + 1] & 0xFF) != 0xB5
                    || (z[p + 2] & 0xFF) != 0x2F
                    || (z[p + 3] & 0xFF) != 0xFD) {
                throw new AssertionError("no zstd frame magic at offset " + p);
            }
            p += 4;
            int fhd = z[p++] & 0xFF;
            int fcsFlag = fhd >>> 6;
            boolean singleSegment = (fhd & 0x20) != 0;
            boolean checksum = (fhd & 0x04) != 0;
            int dictIdSize = new int[] {0, 1, 2, 4}[fhd & 0x03];
            int fcsSize =
                    switch (fcsFlag) {
                        case 0 -> singleSegment ? 1 : 0;
                        case 1 -> 2;
                        case 2 -> 4;
                        default -> 8;
                    };
            boolean storedHeader = fhd == 0 && (z[p] & 0xFF) == 0x38;
            p += (singleSegment ? 0 : 1) + dictIdSize + fcsSize;
            boolean allRaw = true;
            long rawBytes = 0;
            boolean last;
            do {
                int header = (z[p] & 0xFF) | (z[p + 1] & 0xFF) << 8 | (z[p + 2] & 0xFF) << 16;
                p += 3;
                last = (header & 1) != 0;
                int type = (header >>> 1) & 3;
                int size = header >>> 3;
                if (type == 0) {
                    rawBytes += size;
                    p += size;
                } else {
                    allRaw = false;
                    p += type == 1 ? 1 : size;
                }
            } while (!last);
            p += checksum ? 4 : 0;
            frames.add(allRaw && storedHeader ? "raw " + rawBytes : "zstd");
        }
        return frames;
    }
}
