package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.tck.Providers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresOptionsTest {
    private static PostgresOptions of(Map<String, ?> map) {
        return PostgresOptions.from(new ProviderOptions("database.options", map));
    }

    @Test
    void readsEveryOption() {
        PostgresOptions o = of(Map.of(
                "bin_dir", "/opt/pg/bin",
                "no_owner", "true",
                "no_privileges", true,
                "schemas", " app , Other,app",
                "role", "restorer",
                "jobs", 1));
        assertThat(o.binDir()).isEqualTo(Path.of("/opt/pg/bin"));
        assertThat(o.noOwner()).isTrue();
        assertThat(o.noPrivileges()).isTrue();
        assertThat(o.schemas()).containsExactly("app", "Other");
        assertThat(o.role()).isEqualTo("restorer");
        assertThat(of(Map.of("exclude_schemas", List.of("a", "b"))).excludeSchemas())
                .containsExactly("a", "b");
        PostgresOptions defaults = of(Map.of());
        assertThat(defaults.binDir()).isNull();
        assertThat(defaults.schemas()).isEmpty();
        assertThat(defaults.noOwner()).isFalse();
    }

    @Test
    void refusesUnknownKeysParallelRestoreAndContradictions() {
        assertThatThrownBy(() -> of(Map.of("bindir", "/x")))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("database.options.bindir")
                .hasMessageContaining("bin_dir");
        assertThat(of(Map.of("jobs", 4)).jobs()).isEqualTo(4);
        assertThatThrownBy(() -> of(Map.of("jobs", 0)))
                .isInstanceOf(BackupConfigurationException.class)
                .satisfies(e ->
                        assertThat(((BackupConfigurationException) e).key()).contains("database.options.jobs"));
        assertThatThrownBy(() -> of(Map.of("schemas", "a", "exclude_schemas", "b")))
                .isInstanceOf(BackupConfigurationException.class);
        assertThatThrownBy(() -> of(Map.of("no_owner", "maybe")))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("database.options.no_owner");
        assertThatThrownBy(() -> of(Map.of("schemas", " , "))).isInstanceOf(BackupConfigurationException.class);
    }

    @Test
    void providerChecksOptionsAndUrlWhenCreating() {
        PostgresDumperProvider p = new PostgresDumperProvider();
        assertThat(p.id()).isEqualTo("postgres");
        assertThat(p.supports("jdbc:postgresql://h/db")).isTrue();
        assertThat(p.supports("JDBC:POSTGRESQL:db")).isTrue();
        assertThat(p.supports("jdbc:mysql://h/db")).isFalse();
        assertThat(p.supports(null)).isFalse();
        assertThatThrownBy(() -> p.create(new DatabaseConfig(
                        "jdbc:postgresql://h/db",
                        null,
                        null,
                        new ProviderOptions("database.options", Map.of("nope", 1)),
                        null)))
                .isInstanceOf(BackupConfigurationException.class);
        var d = p.create(new DatabaseConfig("jdbc:postgresql://h/db", null, null, null, null));
        assertThat(d.id()).isEqualTo("postgres");
        assertThat(d.format()).isEqualTo("pgdump");
    }

    @Test
    void registeredForServiceLoader() {
        assertThat(Providers.dumper("postgres")).isInstanceOf(PostgresDumperProvider.class);
    }
}
