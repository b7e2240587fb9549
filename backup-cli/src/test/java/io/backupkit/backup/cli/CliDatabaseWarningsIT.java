package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MariaDB table outside the dump's snapshot (MyISAM) is named on stderr by a plain create, without -v. */
class CliDatabaseWarningsIT {
    private static final String ADMIN = "jdbc:mariadb://127.0.0.1:3306/";

    @TempDir
    Path tmp;

    @Test
    void aMyisamTableIsWarnedAboutWithoutVerbose() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN, "root", "")) {
            assertThat(c.isValid(5)).isTrue();
        } catch (SQLException e) {
            if (Boolean.getBoolean("backup.it.required")) {
                fail("MariaDB is required but not reachable: " + e.getMessage());
            }
            assumeThat(false).as("MariaDB not reachable: " + e.getMessage()).isTrue();
        }
        String name =
                "cli_warn_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql(ADMIN, "CREATE DATABASE " + name);
        try {
            sql(ADMIN + name, "CREATE TABLE isam (id INT PRIMARY KEY) ENGINE=MyISAM");
            Map<String, String> env = Map.of(
                    "BACKUP_DIR",
                    tmp.resolve("backups").toString(),
                    "BACKUP_DATABASE_URL",
                    ADMIN + name,
                    "BACKUP_DATABASE_USER",
                    "root",
                    "BACKUP_OPTIONS",
                    "{\"fsync\": false}");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = BackupCli.run(
                    new String[] {"create"},
                    env,
                    new PrintWriter(out, true),
                    new PrintWriter(err, true),
                    false,
                    new BufferedReader(new StringReader("")));
            assertThat(code).as(err.toString()).isZero();
            assertThat(err.toString())
                    .contains("backup: warning: database " + name)
                    .contains("isam (MyISAM)")
                    .contains("not part of the consistent snapshot");
        } finally {
            sql(ADMIN, "DROP DATABASE IF EXISTS " + name);
        }
    }

    private static void sql(String url, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "root", "");
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
