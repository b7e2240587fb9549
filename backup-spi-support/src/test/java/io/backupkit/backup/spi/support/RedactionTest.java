package io.backupkit.backup.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.Secret;
import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void removesThePasswordWhereverItIsEchoed() {
        assertThat(Redaction.redact("login with s3cr3t failed (s3cr3t)", Secret.of("s3cr3t")))
                .isEqualTo("login with ****** failed (******)");
    }

    @Test
    void removesUrlCredentialsEvenWithoutAPassword() {
        assertThat(Redaction.redact("bad jdbc:mariadb://u:pw@h/db?password=x&ssl=true", null))
                .isEqualTo("bad jdbc:mariadb://******@h/db?password=******&ssl=true");
    }

    @Test
    void nullReadsAsEmptyAndAnEmptyPasswordChangesNothing() {
        assertThat(Redaction.redact(null, Secret.of("x"))).isEmpty();
        assertThat(Redaction.redact("plain", Secret.of(""))).isEqualTo("plain");
    }
}
