package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.Setting;
import io.backupkit.backup.spi.DatabaseConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgConnectionTest {
    private static PgConnection parse(String url, String user, String password) {
        return PgConnection.of(
                new DatabaseConfig(url, user, password == null ? null : Secret.of(password), null, null));
    }

    @Test
    void hostPortDatabaseAndParameters() {
        PgConnection c = parse(
                "jdbc:postgresql://db.example:6543/inv%20tree?sslmode=verify-ca&user=app&sslrootcert=/ca.pem",
                null, null);

        assertThat(c.hosts()).containsExactly("db.example");
        assertThat(c.ports()).containsExactly("6543");
        assertThat(c.database()).isEqualTo("inv tree");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.environment("x"))
                .containsEntry("PGHOST", "db.example")
                .containsEntry("PGPORT", "6543")
                .containsEntry("PGDATABASE", "inv tree")
                .containsEntry("PGUSER", "app")
                .containsEntry("PGSSLMODE", "verify-ca")
                .containsEntry("PGSSLROOTCERT", "/ca.pem")
                .containsEntry("PGAPPNAME", "x");
    }

    @Test
    void defaultsAndShortForms() {
        PgConnection c = parse("jdbc:postgresql:inventree", "u", null);
        assertThat(c.hosts()).containsExactly("localhost");
        assertThat(c.ports()).containsExactly("5432");
        assertThat(c.database()).isEqualTo("inventree");

        PgConnection d = parse("jdbc:postgresql://myhost/", null, null);
        assertThat(d.ports()).containsExactly("5432");
        assertThat(d.database()).isEmpty();
        assertThat(d.environment("x")).doesNotContainKeys("PGDATABASE", "PGUSER", "PGSSLMODE");
    }

    @Test
    void multipleHostsAndIpv6() {
        PgConnection c = parse("jdbc:postgresql://a:1,[::1]:2,b/db", null, null);
        assertThat(c.hosts()).containsExactly("a", "::1", "b");
        assertThat(c.ports()).containsExactly("1", "2", "5432");
        assertThat(c.environment("x")).containsEntry("PGHOST", "a,::1,b").containsEntry("PGPORT", "1,2,5432");
        assertThat(c.where()).isEqualTo("a:1,[::1]:2,b:5432");
    }

    @Test
    void configuredUserWinsOverTheUrlAndSslTrueMeansVerifyFull() {
        PgConnection c = parse("jdbc:postgresql://h/db?user=fromurl&ssl=true", "configured", null);
        assertThat(c.user()).isEqualTo("configured");
        assertThat(c.environment("x")).containsEntry("PGSSLMODE", "verify-full");
    }

    @Test
    void passFileEscapesColonAndBackslashAndNothingElseCarriesThePassword() {
        PgConnection c = parse("jdbc:postgresql://h/my:db", "us:er", "p:a\\ss");
        assertThat(c.passFileContent()).isEqualTo("*:*:my\\:db:us\\:er:p\\:a\\\\ss\n");
        assertThat(c.environment("x").values()).noneMatch(v -> v.contains("p:a"));
        assertThat(c.toString()).doesNotContain("p:a");
        assertThat(parse("jdbc:postgresql://h/db", "u", null).passFileContent()).isNull();
    }

    @Test
    void urlPasswordIsUsedWhenNoneIsConfiguredButKeptOutOfParams() {
        PgConnection c = parse("jdbc:postgresql://h/db?password=fromurl&user=u", null, null);
        assertThat(c.password().reveal()).isEqualTo("fromurl");
        assertThat(c.params()).doesNotContainKey("password");
        assertThat(c.passFileContent()).isEqualTo("*:*:db:u:fromurl\n");
    }

    @Test
    void sslKeyPasswordGoesToAServiceFile() {
        PgConnection c = parse("jdbc:postgresql://h/db?sslpassword=k3y", null, null);
        assertThat(c.serviceFileContent()).isEqualTo("[backupkit]\nsslpassword=k3y\n");
        assertThat(c.environment("x").values()).noneMatch(v -> v.contains("k3y"));
    }

    @Test
    void malformedUrlsNameTheSetting() {
        for (String url : List.of("jdbc:mysql://h/db", "jdbc:postgresql://h:port/db", "jdbc:postgresql://[::1/db")) {
            assertThatThrownBy(() -> parse(url, null, null))
                    .isInstanceOf(BackupConfigurationException.class)
                    .satisfies(e -> assertThat(((BackupConfigurationException) e).setting())
                            .contains(Setting.DATABASE_URL));
        }
    }
}
