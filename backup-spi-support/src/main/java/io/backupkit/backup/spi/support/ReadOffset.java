package io.backupkit.backup.spi.support;

/** The offset a storage's {@code openRead(name, offset)} accepts, checked the same way by every storage. */
public final class ReadOffset {
    private ReadOffset() {}

    /** Returns {@code offset}, or throws {@link IllegalArgumentException} when it is negative. */
    public static long check(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        return offset;
    }
}
