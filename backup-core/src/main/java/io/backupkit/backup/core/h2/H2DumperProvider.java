package io.backupkit.backup.core.h2;

import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.spi.SpiVersion;
import java.util.Locale;
import java.util.Objects;

/**
 * Provider of the {@code h2} dumper for JDBC URLs starting with {@code jdbc:h2:}. Loads without H2 on
 * the class path; the dumper then fails with a {@link io.backupkit.backup.DatabaseToolException} that
 * says to add {@code com.h2database:h2}.
 */
public final class H2DumperProvider implements DatabaseDumperProvider {
    /** The provider id. */
    public static final String ID = "h2";

    /** For {@link java.util.ServiceLoader}. */
    public H2DumperProvider() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public boolean supports(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:");
    }

    @Override
    public DatabaseDumper create(DatabaseConfig config) {
        Objects.requireNonNull(config, "config");
        return new H2Dumper(config);
    }
}
