package io.backupkit.backup.spi.support;

import io.backupkit.backup.Secret;
import java.util.Properties;

/** The JDBC connection properties a dumper logs in with. */
public final class JdbcLogin {
    private JdbcLogin() {}

    /** {@code user} and {@code password}, each only when given (the URL or the driver may supply it). */
    public static Properties properties(String user, Secret password) {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password.reveal());
        }
        return props;
    }
}
