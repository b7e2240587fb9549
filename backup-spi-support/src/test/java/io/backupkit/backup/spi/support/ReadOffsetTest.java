package io.backupkit.backup.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReadOffsetTest {
    @Test
    void zeroAndPositiveOffsetsPass() {
        assertThat(ReadOffset.check(0)).isZero();
        assertThat(ReadOffset.check(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNegativeOffsetIsRefusedNamingIt() {
        assertThatThrownBy(() -> ReadOffset.check(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset must be >= 0: -1");
    }
}
