package io.backupkit.backup.spi;

/** The version of this SPI. Providers built against another {@link #MAJOR} are refused. */
public final class SpiVersion {
    /** Bumped on incompatible SPI changes. */
    public static final int MAJOR = 1;

    private SpiVersion() {}
}
