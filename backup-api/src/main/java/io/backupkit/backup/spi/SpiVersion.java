package io.backupkit.backup.spi;

/** The version of this SPI. Providers built against another {@link #MAJOR} are refused. */
public final class SpiVersion {
    /** Bumped on incompatible SPI changes (2: {@link Encryption} binds a {@link SealKey}). */
    public static final int MAJOR = 2;

    private SpiVersion() {}
}
