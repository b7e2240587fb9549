package io.backupkit.backup.core.internal.dedup;

/**
 * FastCDC content-defined chunking (Xia et al., 2016): a gear rolling hash over the bytes after
 * the minimum size, cut where its top bits are zero, with a harder mask before the average size and
 * an easier one after it (normalized chunking, level 1), and a cut at the maximum. A cut depends
 * only on the last 64 bytes, so content that moved is cut the same way again.
 *
 * @param min no chunk is shorter (except the last of a stream)
 * @param avg the target average, a power of two
 * @param max no chunk is longer
 */
public record FastCdc(int min, int avg, int max) {
    /** For database dumps: updated rows are spread through a dump, so small chunks re-store little. */
    public static final FastCdc DUMP = new FastCdc(4 << 10, 16 << 10, 64 << 10);
    /** For media files: large files change whole or not at all; large chunks keep the index small. */
    public static final FastCdc MEDIA = new FastCdc(256 << 10, 1 << 20, 4 << 20);

    private static final long[] GEAR = gear();

    /** Checks the parameters. */
    public FastCdc {
        if (min < 64 || avg <= min || max <= avg || Integer.bitCount(avg) != 1) {
            throw new IllegalArgumentException("chunker parameters need 64 <= min < avg < max, avg a power of two");
        }
    }

    /** The parameters as text, for the repository config: {@code fastcdc min/avg/max}. */
    public String describe() {
        return "fastcdc " + min + "/" + avg + "/" + max;
    }

    /**
     * The length of the next chunk of {@code buf[off, off + len)}; {@code len} when the data ends
     * before a cut (the caller passes at least {@link #max} bytes except at the end of a stream).
     */
    public int cut(byte[] buf, int off, int len) {
        if (len <= min) {
            return len;
        }
        int n = Math.min(len, max);
        int normal = Math.min(avg, n);
        int bits = Integer.numberOfTrailingZeros(avg);
        long maskHard = -1L << (64 - (bits + 1));
        long maskEasy = -1L << (64 - (bits - 1));
        long h = 0;
        int i = min;
        for (; i < normal; i++) {
            h = (h << 1) + GEAR[buf[off + i] & 0xff];
            if ((h & maskHard) == 0) {
                return i + 1;
            }
        }
        for (; i < n; i++) {
            h = (h << 1) + GEAR[buf[off + i] & 0xff];
            if ((h & maskEasy) == 0) {
                return i + 1;
            }
        }
        return n;
    }

    /** 256 pseudo-random 64-bit values from SplitMix64 with a fixed seed: the same cuts on every machine. */
    private static long[] gear() {
        long[] g = new long[256];
        long x = 0x6261636b75706b69L;
        for (int i = 0; i < 256; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            g[i] = z ^ (z >>> 31);
        }
        return g;
    }
}
