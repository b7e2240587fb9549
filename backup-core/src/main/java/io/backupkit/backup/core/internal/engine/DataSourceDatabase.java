package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The URL, user and password a host's {@link DataSource} connects with, so that the host need not
 * repeat them: URL and user from a connection's metadata, the password from the data source's own
 * {@code getPassword()} (HikariCP, the PostgreSQL, H2 and Spring data sources have one).
 */
record DataSourceDatabase(String url, String user, Secret password) {
    static DataSourceDatabase read(DataSource dataSource, Secret givenPassword) {
        String url;
        String user;
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            url = meta.getURL();
            user = meta.getUserName();
        } catch (SQLException e) {
            throw new BackupConfigurationException(
                    "dataSource",
                    "the DataSource given to dataSource(...) cannot connect (" + e.getMessage()
                            + "); check that the database is running and the data source's settings",
                    e);
        }
        if (url == null) {
            throw new BackupConfigurationException(
                    "dataSource",
                    "the DataSource given to dataSource(...) reports no JDBC URL; use database(url, ...)");
        }
        return new DataSourceDatabase(url, user, givenPassword != null ? givenPassword : passwordOf(dataSource));
    }

    private static Secret passwordOf(DataSource dataSource) {
        try {
            Method getter = dataSource.getClass().getMethod("getPassword");
            Object value = getter.invoke(dataSource);
            if (value instanceof String s && !s.isEmpty()) {
                return Secret.of(s);
            }
            if (value instanceof char[] chars && chars.length > 0) {
                return Secret.of(new String(chars));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no readable password: a tool that needs one asks for databasePassword(...)
        }
        return null;
    }
}
