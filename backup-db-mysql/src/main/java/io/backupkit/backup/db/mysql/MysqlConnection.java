package io.backupkit.backup.db.mysql;

import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.support.JdbcLogin;
import io.backupkit.backup.spi.support.NativeProcess;
import io.backupkit.backup.spi.support.Redaction;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Where and as whom the dumper connects: over JDBC with the configured URL and credentials, and
 * for the tools as connection options plus a {@code [client]} option file (the secret, written 0600
 * by {@link NativeProcess}).
 */
final class MysqlConnection {
    private final DatabaseConfig config;
    private final MysqlUrl url;
    private final String user;
    private final Secret password;
    private final String socket;

    MysqlConnection(DatabaseConfig config, MysqlUrl url, String socket) {
        this.config = config;
        this.url = url;
        this.user = config.user() != null ? config.user() : url.param("user").orElse(null);
        this.password = config.password() != null
                ? config.password()
                : url.param("password").map(Secret::of).orElse(null);
        this.socket = socket;
    }

    String database() {
        return url.database();
    }

    /** The login user, or {@code null} for the tools' default. */
    String user() {
        return user;
    }

    /** The URL with any password masked, for messages. */
    String safeUrl() {
        return config.safeUrl();
    }

    /** A JDBC connection with the configured credentials. */
    Connection connect() throws SQLException {
        Properties props = JdbcLogin.properties(config.user(), config.password());
        try {
            return DriverManager.getConnection(config.jdbcUrl(), props);
        } catch (SQLException e) {
            String lower = config.jdbcUrl().toLowerCase(Locale.ROOT);
            if (lower.startsWith("jdbc:mysql:") && isNoDriver(e)) {
                // no MySQL Connector/J: the MariaDB driver speaks to MySQL too when allowed to take the URL
                String alt = config.jdbcUrl() + (config.jdbcUrl().contains("?") ? "&" : "?") + "permitMysqlScheme";
                return DriverManager.getConnection(alt, props);
            }
            throw e;
        }
    }

    static boolean isNoDriver(SQLException e) {
        return e.getMessage() != null && e.getMessage().startsWith("No suitable driver");
    }

    /** A tool run with the credentials in {@code {mycnf}} (the first argument) and no inherited MYSQL* variables. */
    NativeProcess.Builder tool(List<String> argv) {
        return NativeProcess.command(argv)
                .clearEnv("MYSQL")
                .clearEnv("MARIADB")
                .secretFileArg("mycnf", optionFile(user, password))
                .timeout(config.timeout());
    }

    /** The tools' connection options: the socket, or host and port. */
    List<String> toolArgs() {
        if (socket != null) {
            return List.of("--protocol=SOCKET", "--socket=" + socket);
        }
        return List.of("--protocol=TCP", "--host=" + url.host(), "--port=" + url.port());
    }

    /** The {@code [client]} option file with the credentials, values quoted and escaped. */
    static String optionFile(String user, Secret password) {
        StringBuilder sb = new StringBuilder("[client]\n");
        if (user != null) {
            sb.append("user=").append(quote(user)).append('\n');
        }
        if (password != null) {
            sb.append("password=").append(quote(password.reveal())).append('\n');
        }
        return sb.toString();
    }

    /** Quotes an option file value: {@code "..."} with backslash, quotes and control characters escaped. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                default -> sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    /** The server, for messages: the socket, or host:port. */
    String where() {
        return socket != null ? socket : url.host() + ":" + url.port();
    }

    /** Removes the password from a message, in case a driver or tool echoes it. */
    String safe(String message) {
        return Redaction.redact(message, password);
    }

    @Override
    public String toString() {
        return config.safeUrl() + ", user=" + user;
    }
}
