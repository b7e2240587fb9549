package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.spi.SpiVersion;
import java.util.Locale;
import java.util.Objects;

/**
 * Provider of the {@code sqlite} dumper for JDBC URLs starting with {@code jdbc:sqlite:}. Loads
 * without sqlite-jdbc on the class path; creating a dumper then fails with a {@link
 * DatabaseToolException} that says to add {@code org.xerial:sqlite-jdbc}.
 */
public final class SqliteDumperProvider implements DatabaseDumperProvider {
    /** The provider id. */
    public static final String ID = "sqlite";

    /** For {@link java.util.ServiceLoader}. */
    public SqliteDumperProvider() {}

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
        return jdbcUrl != null && jdbcUrl.toLowerCase(Locale.ROOT).startsWith(SqliteLocation.PREFIX);
    }

    @Override
    public DatabaseDumper create(DatabaseConfig config) {
        Objects.requireNonNull(config, "config");
        requireDriver();
        return new SqliteDumper(config);
    }

    private static void requireDriver() {
        try {
            // the dumper links against the driver through this class's own loader
            Class.forName(SqliteJdbc.DRIVER_CLASS, false, SqliteDumperProvider.class.getClassLoader());
            return;
        } catch (ClassNotFoundException | LinkageError e) {
            // reported below
        }
        throw new DatabaseToolException(
                "sqlite-jdbc",
                "The SQLite JDBC driver is not on the class path: add the dependency org.xerial:sqlite-jdbc"
                        + " (the version the application uses) to the application.");
    }
}
