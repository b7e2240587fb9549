package io.backupkit.backup.spi;

import io.backupkit.backup.Secret;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

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

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("//[^/@?;\\s]*@");

    /** The JDBC URL with any password parameter and user info masked, for messages and logs. */
    public String safeUrl() {
        return safeUrl(jdbcUrl);
    }

    /**
     * A URL with the value of any {@code password=} parameter and any user info ({@code
     * //user:secret@}) replaced by {@code ******}, safe for messages and logs; {@code null} stays
     * {@code null}. The one place URLs are masked: use it rather than a pattern of your own.
     */
    public static String safeUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1******");
        return USER_INFO.matcher(masked).replaceAll("//******@");
    }

    @Override
    public String toString() {
        return "DatabaseConfig[" + safeUrl() + ", user=" + user + "]";
    }
}
