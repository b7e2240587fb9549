package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.UnableToDumpDatabaseException;
import io.backupkit.backup.spi.DatabaseDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tool selection against the real server: the server's major picks the tools; psql stands in for JDBC. */
class PostgresToolSelectionIT {
    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest();

    @Test
    void describePicksAPgDumpAtLeastAsNewAsTheServer() {
        DatabaseDescription d = db.dumper().describe();

        PgVersion server = PgVersion.parse(d.serverVersion()).orElseThrow();
        PgVersion tool = PgVersion.parse(d.toolVersion()).orElseThrow();
        assertThat(tool).isGreaterThanOrEqualTo(server);
        assertThat(d.tool()).isEqualTo("pg_dump");
    }

    @Test
    void withoutAJdbcDriverTheServerVersionComesFromPsql() {
        PostgresDumper dumper = db.dumper();
        String viaJdbc = dumper.describe().serverVersion();

        PgVersion viaPsql = dumper.serverVersionWithPsql(false);

        assertThat(viaPsql.text()).isEqualTo(viaJdbc);
        PostgresDumper missing = (PostgresDumper) new PostgresDumperProvider()
                .create(new io.backupkit.backup.spi.DatabaseConfig(
                        "jdbc:postgresql://" + PgTestDatabase.HOST + ":" + PgTestDatabase.PORT + "/bk_it_none_"
                                + PgTestDatabase.random(),
                        PgTestDatabase.ADMIN,
                        null,
                        null,
                        null));
        assertThatThrownBy(() -> missing.serverVersionWithPsql(false))
                .isInstanceOf(UnableToDumpDatabaseException.class)
                .hasMessageContaining("does not exist");
    }
}
