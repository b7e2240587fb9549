package io.backupkit.backup.db.postgres;

import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.spi.SpiVersion;
import java.util.Objects;

/**
 * The {@code postgres} dumper provider: handles {@code jdbc:postgresql:} URLs with {@code pg_dump} /
 * {@code pg_restore} / {@code psql}. Options: see {@link PostgresOptions}; behaviour: see {@link
 * PostgresDumper}. Registered for {@link java.util.ServiceLoader}.
 */
public final class PostgresDumperProvider implements DatabaseDumperProvider {
    /** For {@link java.util.ServiceLoader}. */
    public PostgresDumperProvider() {}

    @Override
    public String id() {
        return PostgresDumper.ID;
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public boolean supports(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.regionMatches(true, 0, PgConnection.PREFIX, 0, PgConnection.PREFIX.length());
    }

    /** Checks the URL and options (errors name the key) and creates the dumper; connects only later. */
    @Override
    public DatabaseDumper create(DatabaseConfig config) {
        Objects.requireNonNull(config, "config");
        return new PostgresDumper(config);
    }
}
