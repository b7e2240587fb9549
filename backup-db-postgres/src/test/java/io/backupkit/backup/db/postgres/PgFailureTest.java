package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.DatabaseConfig;
import org.junit.jupiter.api.Test;

/**
 * The local server trusts every connection, so "wrong password" cannot be produced there: these are
 * the exact texts libpq and pgjdbc print, mapped to causes.
 */
class PgFailureTest {
    private final PgConnection c = PgConnection.of(
            new DatabaseConfig("jdbc:postgresql://db:5433/inv", "app", Secret.of("hunter2"), null, null));

    @Test
    void toolMessages() {
        assertThat(PgFailure.fromToolOutput("pg_dump: error: connection to server at \"db\" (10.0.0.1), port 5433"
                        + " failed: FATAL:  password authentication failed for user \"app\""))
                .isEqualTo(PgFailure.WRONG_PASSWORD);
        assertThat(PgFailure.fromToolOutput("pg_dump: error: connection to server at \"db\", port 5433 failed:"
                        + " fe_sendauth: no password supplied"))
                .isEqualTo(PgFailure.NO_PASSWORD);
        assertThat(PgFailure.fromToolOutput("FATAL:  database \"inv\" does not exist"))
                .isEqualTo(PgFailure.UNKNOWN_DATABASE);
        assertThat(PgFailure.fromToolOutput("FATAL:  role \"app\" does not exist"))
                .isEqualTo(PgFailure.UNKNOWN_ROLE);
        assertThat(PgFailure.fromToolOutput("FATAL:  no pg_hba.conf entry for host \"10.0.0.2\""))
                .isEqualTo(PgFailure.NOT_ALLOWED_BY_HBA);
        assertThat(PgFailure.fromToolOutput("pg_dump: error: query failed: ERROR:  permission denied for table t"))
                .isEqualTo(PgFailure.NO_PERMISSION);
        assertThat(PgFailure.fromToolOutput("connection to server at \"db\", port 5433 failed: Connection refused"))
                .isEqualTo(PgFailure.SERVER_DOWN);
        assertThat(PgFailure.fromToolOutput("pg_dump: error: aborting because of server version mismatch"))
                .isEqualTo(PgFailure.TOOL_VERSION_MISMATCH);
        assertThat(PgFailure.fromToolOutput("something else")).isEqualTo(PgFailure.OTHER);
    }

    @Test
    void sqlStates() {
        assertThat(PgFailure.fromSqlState("28P01", "FATAL: password authentication failed"))
                .isEqualTo(PgFailure.WRONG_PASSWORD);
        assertThat(PgFailure.fromSqlState("3D000", "")).isEqualTo(PgFailure.UNKNOWN_DATABASE);
        assertThat(PgFailure.fromSqlState("28000", "FATAL: role \"x\" does not exist"))
                .isEqualTo(PgFailure.UNKNOWN_ROLE);
        assertThat(PgFailure.fromSqlState("28000", "FATAL: no pg_hba.conf entry"))
                .isEqualTo(PgFailure.NOT_ALLOWED_BY_HBA);
        assertThat(PgFailure.fromSqlState("08001", "Connection to db:5433 refused."))
                .isEqualTo(PgFailure.SERVER_DOWN);
        assertThat(PgFailure.fromSqlState(
                        "08004",
                        "The server requested password-based authentication, but no" + " password was provided."))
                .isEqualTo(PgFailure.NO_PASSWORD);
        assertThat(PgFailure.fromSqlState("42501", "")).isEqualTo(PgFailure.NO_PERMISSION);
    }

    @Test
    void explanationsNameTheCauseAndNeverThePassword() {
        for (PgFailure f : PgFailure.values()) {
            assertThat(f.explain(c)).doesNotContain("hunter2").isNotBlank();
        }
        assertThat(PgFailure.WRONG_PASSWORD.explain(c)).contains("refused the password", "app", "db:5433");
        assertThat(PgFailure.UNKNOWN_DATABASE.explain(c)).contains("\"inv\" does not exist");
        assertThat(PgFailure.SERVER_DOWN.explain(c)).contains("cannot connect", "db:5433");
    }
}
