package io.backupkit.backup.spi;

import io.backupkit.backup.Secret;
import java.time.Duration;
import java.util.Objects;

/**
 * What a dumper is created from.
 *
 * @param jdbcUrl the database's JDBC URL ({@code BACKUP_DATABASE_URL})
 * @param user the user, or {@code null} to take it from the URL
 * @param password the password, or {@code null}
 * @param options dumper options ({@code database.options} in the config file): tool paths, schema
 *     filters, parallelism, ...
 * @param timeout the longest a dump or restore tool may run before it is killed
 */
public record DatabaseConfig(String jdbcUrl, String user, Secret password, ProviderOptions options, Duration timeout) {
    /** How long a dump or restore tool may run when no timeout is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(12);

    /** Requires the URL; missing options become empty, a missing timeout {@link #DEFAULT_TIMEOUT}. */
    public DatabaseConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        options = options == null ? new ProviderOptions("database.options", java.util.Map.of()) : options;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** The JDBC URL with any password parameter masked, for messages and logs. */
    public String safeUrl() {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1******");
    }

    @Override
    public String toString() {
        return "DatabaseConfig[" + safeUrl() + ", user=" + user + "]";
    }
}
