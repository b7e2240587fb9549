package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgVersionTest {
    @Test
    void parsesToolOutput() {
        PgVersion v = PgVersion.fromToolOutput("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n")
                .orElseThrow();
        assertThat(v.major()).isEqualTo(15);
        assertThat(v.text()).isEqualTo("15.20");
        assertThat(PgVersion.fromToolOutput("pg_restore (PostgreSQL) 17devel")
                        .orElseThrow()
                        .majorName())
                .isEqualTo("17");
        assertThat(PgVersion.fromToolOutput("pg_dump (PostgreSQL) 9.6.24")
                        .orElseThrow()
                        .majorName())
                .isEqualTo("9.6");
        assertThat(PgVersion.fromToolOutput("mysqldump  Ver 10.19")).isEmpty();
    }

    @Test
    void serverVersionNumbersAndOrdering() {
        PgVersion v15 = PgVersion.fromVersionNum(150004, "15.4");
        PgVersion v96 = PgVersion.fromVersionNum(90624, "9.6.24");
        assertThat(v15.major()).isEqualTo(15);
        assertThat(v96.majorName()).isEqualTo("9.6");
        assertThat(v96).isLessThan(v15);
        assertThat(PgVersion.parse("9.5.1").orElseThrow()).isLessThan(v96);
        assertThat(PgVersion.parse("16.1 (Debian)").orElseThrow()).isGreaterThan(v15);
        assertThat(PgVersion.parse("15.9").orElseThrow()).isEqualByComparingTo(v15);
        assertThat(PgVersion.parse(null)).isEmpty();
        assertThat(PgVersion.parse("unknown")).isEmpty();
    }
}
