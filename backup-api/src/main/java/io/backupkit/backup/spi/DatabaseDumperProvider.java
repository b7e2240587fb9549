package io.backupkit.backup.spi;

/**
 * Creates a {@link DatabaseDumper}. Found by {@link java.util.ServiceLoader}; needs a public no-arg
 * constructor.
 */
public interface DatabaseDumperProvider extends Provider {
    /** Whether this provider handles the JDBC URL (e.g. {@code jdbc:postgresql:}). */
    boolean supports(String jdbcUrl);

    /** Creates the dumper; bad options are {@link io.backupkit.backup.BackupConfigurationException}s naming the key. */
    DatabaseDumper create(DatabaseConfig config);
}
