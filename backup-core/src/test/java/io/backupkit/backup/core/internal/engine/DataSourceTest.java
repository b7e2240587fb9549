package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataSource(...)}: the host's own data source, no credentials repeated. */
class DataSourceTest {
    @TempDir
    Path tmp;

    JdbcDataSource dataSource(String password) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + tmp.resolve("db/app").toAbsolutePath());
        ds.setUser("owner");
        ds.setPassword(password);
        return ds;
    }

    static long count(JdbcDataSource ds) throws Exception {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM part")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void urlUserAndPasswordComeFromTheDataSource() throws Exception {
        JdbcDataSource ds = dataSource("s3cret-pw");
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE part (id INT PRIMARY KEY)");
            st.execute("INSERT INTO part VALUES (1), (2)");
        }
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                .dataSource(ds)
                .spoolDir(tmp.resolve("spool"))
                .build()) {
            assertThat(EngineSettings.of(backups).dumper().id()).isEqualTo("h2");
            CreateResult created = backups.create();
            try (Connection c = ds.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("INSERT INTO part VALUES (3)");
            }
            backups.restore(RestoreOptions.of(created.id().value()).withSafetyBackup(false));
            assertThat(count(ds)).isEqualTo(2);
        }
    }

    @Test
    void aGivenPasswordWinsOverTheDataSources() throws Exception {
        JdbcDataSource ds = dataSource("right");
        ds.getConnection().close(); // creates the database with this password
        try (BackupManager backups = BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                .dataSource(ds)
                .databasePassword(Secret.of("wrong"))
                .build()) {
            assertThatThrownBy(backups::check)
                    .isInstanceOf(BackupConfigurationException.class)
                    .hasMessageContaining("database: ")
                    .hasMessageNotContaining("wrong");
        }
    }

    @Test
    void aDataSourceThatCannotConnectIsAConfigurationError() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + tmp.resolve("missing/app").toAbsolutePath() + ";IFEXISTS=TRUE");
        ds.setUser("sa");
        assertThatThrownBy(() -> BackupManager.builder()
                        .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                        .dataSource(ds)
                        .build())
                .isInstanceOfSatisfying(BackupConfigurationException.class, e -> assertThat(e.key())
                        .hasValue("dataSource"))
                .hasMessageContaining("dataSource(...) cannot connect");
    }
}
