package io.backupkit.backup.db.postgres;

import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.support.JdbcLogin;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * JDBC sessions with the configured URL and credentials (passed as properties, not in the URL), each
 * named by its application name. Optional: without a PostgreSQL JDBC driver every method says so by
 * an empty result, and the dumper falls back on psql or goes without.
 */
final class PgJdbc {
    private final DatabaseConfig config;
    private final PgConnection connection;

    PgJdbc(DatabaseConfig config, PgConnection connection) {
        this.config = config;
        this.connection = connection;
    }

    /** Whether a JDBC driver takes {@code url}. */
    static boolean hasDriver(String url) {
        try {
            DriverManager.getDriver(url);
            return true;
        } catch (SQLException noDriver) {
            return false;
        }
    }

    /** The login properties: user, password, connect timeout and the application name. */
    Properties properties(String applicationName) {
        Properties props = JdbcLogin.properties(connection.user(), connection.password());
        props.setProperty("connectTimeout", connection.params().getOrDefault("connectTimeout", "10"));
        props.setProperty("ApplicationName", applicationName);
        return props;
    }

    /** A JDBC session of its own, or empty when no PostgreSQL JDBC driver is on the class path. */
    Optional<Connection> open(String applicationName) {
        return openAt(url(), applicationName, " Nothing was changed: the database was left as it was.");
    }

    /** A JDBC session on another database of the same server, or empty without a PostgreSQL JDBC driver. */
    Optional<Connection> openOn(String database, String applicationName) {
        String url = url();
        String rest = url.substring(PgConnection.PREFIX.length());
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q);
        String path = q < 0 ? rest : rest.substring(0, q);
        String db = java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        String server = path.startsWith("//")
                ? path.substring(0, path.indexOf('/', 2) < 0 ? path.length() : path.indexOf('/', 2))
                : "";
        String target = PgConnection.PREFIX + (server.isEmpty() ? db : server + "/" + db) + query;
        return openAt(target, applicationName, " Nothing was changed.");
    }

    private Optional<Connection> openAt(String url, String applicationName, String unchanged) {
        if (!hasDriver(url)) {
            return Optional.empty();
        }
        try {
            return Optional.of(DriverManager.getConnection(url, properties(applicationName)));
        } catch (SQLException e) {
            PgFailure f = PgFailure.fromSqlState(e.getSQLState(), e.getMessage());
            throw new UnableToRestoreDatabaseException(
                    f.explain(connection) + " (" + e.getMessage() + ")." + unchanged, e);
        }
    }

    /** The URL as configured, minus {@code user} and {@code password} (passed as properties instead). */
    String url() {
        String url = config.jdbcUrl();
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        List<String> kept = new ArrayList<>();
        for (String kv : url.substring(q + 1).split("&")) {
            String k = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
            if (!k.equals("user") && !k.equals("password") && !kv.isEmpty()) {
                kept.add(kv);
            }
        }
        return url.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }
}
