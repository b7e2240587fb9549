package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A misspelled URL parameter is named as such, not reported as an unreachable server. */
class PostgresUrlParameterTest {
    @Test
    void aBadSslModeIsNamedAtBuild() {
        assertThatThrownBy(() -> BackupManager.builder()
                        .storage("memory", "pg-url-" + System.nanoTime(), Map.of())
                        .database("jdbc:postgresql://127.0.0.1:5432/app?sslmode=requir&password=hunter2", "app", null)
                        .build())
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("sslmode=requir")
                .hasMessageContaining("not an SSL mode")
                .hasMessageContaining("require")
                .hasMessageNotContaining("running")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aDriverMessageAboutAnInvalidValueIsNoServerFailure() {
        assertThat(PgFailure.fromSqlState("08P01", "Invalid sslmode value: requir"))
                .isNotEqualTo(PgFailure.SERVER_DOWN);
        assertThat(PgFailure.fromSqlState("08001", "Connection refused")).isEqualTo(PgFailure.SERVER_DOWN);
    }
}
