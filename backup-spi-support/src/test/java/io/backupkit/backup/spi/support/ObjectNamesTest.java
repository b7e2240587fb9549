package io.backupkit.backup.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectNamesTest {
    @Test
    void lettersDigitsDotsUnderscoresAndDashesAreNames() {
        assertThat(ObjectNames.check("backup-2026_12.manifest")).isEqualTo("backup-2026_12.manifest");
    }

    @Test
    void slashesDotsAndEmptyAreNot() {
        for (String bad : new String[] {"", ".", "..", "a/b", "a b", "ü"}) {
            assertThatThrownBy(() -> ObjectNames.check(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a storage object name (letters, digits, . _ -): " + bad);
        }
    }

    @Test
    void aLocationBecomesAPrefixWithoutLeadingOrDoubleSlashesEndingWithOne() {
        assertThat(ObjectNames.prefix("")).isEmpty();
        assertThat(ObjectNames.prefix("/")).isEmpty();
        assertThat(ObjectNames.prefix("a")).isEqualTo("a/");
        assertThat(ObjectNames.prefix("/a//b/")).isEqualTo("a/b/");
        assertThat(ObjectNames.prefix(" a\\b ")).isEqualTo("a/b/");
    }
}
