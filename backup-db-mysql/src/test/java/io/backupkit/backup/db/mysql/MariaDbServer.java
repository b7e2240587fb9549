package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.fail;

import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.ProviderOptions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The local MariaDB server of the integration tests (127.0.0.1:3306, root without password). When it
 * is unreachable, tests are skipped, or fail when {@code backup.it.required} is {@code true}.
 */
final class MariaDbServer {
    static final String HOST = System.getProperty("backup.it.mysql.host", "127.0.0.1");
    static final int PORT = Integer.getInteger("backup.it.mysql.port", 3306);
    static final String ROOT = System.getProperty("backup.it.mysql.user", "root");
    static final String SOCKET = System.getProperty("backup.it.mysql.socket", "/run/mysqld/mysqld.sock");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static String unreachable;
    private static boolean checked;

    private MariaDbServer() {}

    /** Skips (or fails, when required) the calling test when the server is not there. */
    static synchronized void require() {
        if (!checked) {
            checked = true;
            try (Connection c = DriverManager.getConnection(url(""), ROOT, "")) {
                c.isValid(5);
            } catch (SQLException e) {
                unreachable = "MariaDB at " + HOST + ":" + PORT + " is unreachable as " + ROOT + ": " + e.getMessage();
            }
        }
        if (unreachable != null) {
            if (Boolean.getBoolean("backup.it.required")) {
                fail(unreachable + " (backup.it.required=true)");
            }
            Assumptions.abort(unreachable);
        }
    }

    static String url(String db) {
        return "jdbc:mariadb://" + HOST + ":" + PORT + "/" + db;
    }

    static String randomName(String prefix) {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    static Connection root(String db) throws SQLException {
        return DriverManager.getConnection(url(db), ROOT, "");
    }

    static void exec(String db, String... statements) throws SQLException {
        try (Connection c = root(db);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static List<List<String>> query(String db, String sql) throws SQLException {
        try (Connection c = root(db);
                Statement s = c.createStatement()) {
            return rows(s, sql);
        }
    }

    /** Every row of {@code sql}'s result, each column as its string. */
    static List<List<String>> rows(Statement s, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static String createDatabase() throws SQLException {
        String db = randomName("bk_it_");
        exec("", "CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return db;
    }

    /** A new user (named from {@code prefix}) with {@code password} and every right on {@code db}; returns its name. */
    static String createUser(String db, String prefix, String password) throws SQLException {
        String user = randomName(prefix);
        exec(
                db,
                "CREATE USER '" + user + "'@'%' IDENTIFIED BY '"
                        + password.replace("\\", "\\\\").replace("'", "''") + "'",
                "GRANT ALL ON `" + db + "`.* TO '" + user + "'@'%'");
        return user;
    }

    static void dropUser(String user) throws SQLException {
        if (user != null) {
            exec("", "DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    static void dropDatabase(String db) throws SQLException {
        if (db != null) {
            exec("", "DROP DATABASE IF EXISTS `" + db + "`");
        }
    }

    static MysqlDumper dumper(String db) {
        return dumper(url(db), ROOT, null, Map.of());
    }

    static MysqlDumper dumper(String jdbcUrl, String user, String password, Map<String, ?> options) {
        return new MysqlDumper(config(jdbcUrl, user, password, options));
    }

    static DatabaseConfig config(String jdbcUrl, String user, String password, Map<String, ?> options) {
        return new DatabaseConfig(
                jdbcUrl,
                user,
                password == null ? null : Secret.of(password),
                new ProviderOptions("database.options", options),
                Duration.ofMinutes(2));
    }
}
