package io.backupkit.backup.db.mysql;

import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.spi.SpiVersion;
import java.util.Locale;
import java.util.Objects;

/**
 * Provider of the {@code mysql} dumper: handles {@code jdbc:mysql:} and {@code jdbc:mariadb:} URLs
 * (MySQL 8 and MariaDB 10.6+). Registered for {@link java.util.ServiceLoader}.
 */
public final class MysqlDumperProvider implements DatabaseDumperProvider {
    /** The provider id, recorded in manifests. */
    public static final String ID = "mysql";

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
        if (jdbcUrl == null) {
            return false;
        }
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        return url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:");
    }

    @Override
    public DatabaseDumper create(DatabaseConfig config) {
        Objects.requireNonNull(config, "config");
        return new MysqlDumper(config);
    }
}
