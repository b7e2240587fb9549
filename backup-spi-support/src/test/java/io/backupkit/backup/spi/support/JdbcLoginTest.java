package io.backupkit.backup.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.Secret;
import org.junit.jupiter.api.Test;

class JdbcLoginTest {
    @Test
    void userAndPasswordAreSetOnlyWhenGiven() {
        assertThat(JdbcLogin.properties("app", Secret.of("s3cret")))
                .containsEntry("user", "app")
                .containsEntry("password", "s3cret");
        assertThat(JdbcLogin.properties(null, null)).isEmpty();
        assertThat(JdbcLogin.properties("app", null)).containsOnlyKeys("user");
    }
}
