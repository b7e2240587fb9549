package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import org.junit.jupiter.api.Test;

class MysqlUrlTest {
    @Test
    void hostPortDatabaseAndParameters() {
        MysqlUrl u = MysqlUrl.parse("jdbc:mariadb://db.example:3307/inventree?user=app&password=s%26cret");

        assertThat(u.host()).isEqualTo("db.example");
        assertThat(u.port()).isEqualTo(3307);
        assertThat(u.database()).isEqualTo("inventree");
        assertThat(u.socket()).isNull();
        assertThat(u.param("USER")).contains("app");
        assertThat(u.param("password")).contains("s&cret");
        assertThat(u.toString()).doesNotContain("s&cret");
    }

    @Test
    void defaultsToLocalhostAnd3306() {
        MysqlUrl u = MysqlUrl.parse("jdbc:mysql:///shop");

        assertThat(u.host()).isEqualTo("localhost");
        assertThat(u.port()).isEqualTo(3306);
        assertThat(u.database()).isEqualTo("shop");
    }

    @Test
    void firstHostOfAListIpv6AndAddressForms() {
        assertThat(MysqlUrl.parse("jdbc:mysql:loadbalance://h1:3310,h2:3311/db"))
                .extracting(MysqlUrl::host, MysqlUrl::port)
                .containsExactly("h1", 3310);
        assertThat(MysqlUrl.parse("jdbc:mariadb://[::1]:3308/db"))
                .extracting(MysqlUrl::host, MysqlUrl::port)
                .containsExactly("::1", 3308);
        assertThat(MysqlUrl.parse(
                        "jdbc:mariadb:replication://address=(host=p1)(port=3320)(type=primary),address=(host=r1)/db"))
                .extracting(MysqlUrl::host, MysqlUrl::port)
                .containsExactly("p1", 3320);
    }

    @Test
    void unixSocketParameters() {
        assertThat(MysqlUrl.parse("jdbc:mariadb://localhost/db?localSocket=/run/mysqld/mysqld.sock")
                        .socket())
                .isEqualTo("/run/mysqld/mysqld.sock");
        assertThat(MysqlUrl.parse("jdbc:mysql://localhost/db?junixsocket.file=/tmp/m.sock")
                        .socket())
                .isEqualTo("/tmp/m.sock");
    }

    @Test
    void refusesUrlsWithoutDatabaseOrOfAnotherKind() {
        assertThatThrownBy(() -> MysqlUrl.parse("jdbc:mariadb://host:3306/"))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("the database URL names no database");
        assertThatThrownBy(() -> MysqlUrl.parse("jdbc:postgresql://host/db"))
                .isInstanceOf(BackupConfigurationException.class);
        assertThatThrownBy(() -> MysqlUrl.parse("jdbc:mariadb://host:99999/db"))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("port");
    }
}
