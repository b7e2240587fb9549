package io.backupkit.backup.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.Secret;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {
    @Test
    void masksPasswordParametersInEveryUrlStyle() {
        assertThat(DatabaseConfig.safeUrl("jdbc:postgresql://db:5432/shop?user=app&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/shop?user=app&password=******&ssl=true");
        assertThat(DatabaseConfig.safeUrl("jdbc:h2:/data/shop;USER=sa;PASSWORD=s3cret;MODE=MySQL"))
                .isEqualTo("jdbc:h2:/data/shop;USER=sa;PASSWORD=******;MODE=MySQL");
        assertThat(DatabaseConfig.safeUrl("jdbc:mariadb://db/shop?Password=s3cret more"))
                .isEqualTo("jdbc:mariadb://db/shop?Password=****** more");
    }

    @Test
    void masksUserInfo() {
        assertThat(DatabaseConfig.safeUrl("jdbc:mysql://app:s3cret@db:3306/shop"))
                .isEqualTo("jdbc:mysql://******@db:3306/shop");
    }

    @Test
    void leavesUrlsWithoutSecretsAloneAndNullAsNull() {
        String plain = "jdbc:postgresql://db:5432/shop?user=app&sslmode=require";
        assertThat(DatabaseConfig.safeUrl(plain)).isEqualTo(plain);
        assertThat(DatabaseConfig.safeUrl(null)).isNull();
    }

    @Test
    void theInstanceMethodMasksItsOwnUrl() {
        DatabaseConfig config =
                new DatabaseConfig("jdbc:mysql://app:s3cret@db/shop?password=other", "app", Secret.of("x"), null, null);
        assertThat(config.safeUrl()).doesNotContain("s3cret").doesNotContain("other");
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("other");
    }
}
