package io.backupkit.backup.spi;

/** What every provider has: an id and the SPI version it was built against. */
public interface Provider {
    /** Short lowercase id, e.g. {@code filesystem}, {@code s3}, {@code postgres}, {@code openpgp}. */
    String id();

    /** The {@link SpiVersion#MAJOR} this provider was compiled against. */
    default int spiVersion() {
        return SpiVersion.MAJOR;
    }
}
