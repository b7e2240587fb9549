package io.backupkit.backup.spi;

/** What every provider has: an id and the SPI version it was built against. */
public interface Provider {
    /** Short lowercase id, e.g. {@code filesystem}, {@code s3}, {@code postgres}, {@code openpgp}. */
    String id();

    /**
     * The {@link SpiVersion#MAJOR} this provider was compiled against: implement it as {@code
     * return SpiVersion.MAJOR;}, which the compiler copies into the provider's own class, so that a
     * provider built for another SPI is recognised and refused.
     */
    int spiVersion();
}
