package io.backupkit.backup.core.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.core.h2.H2DumpFormat.DamagedDumpException;
import io.backupkit.backup.core.h2.H2DumpFormat.Trailer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class H2DumpFormatTest {
    static byte[] framed(String body, long statements) {
        String text = H2DumpFormat.HEADER + "\n" + body;
        MessageDigest sha = H2DumpFormat.sha256();
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        String trailer = H2DumpFormat.trailer(statements, sha);
        return (text + trailer).getBytes(StandardCharsets.UTF_8);
    }

    private static Trailer verify(byte[] b) throws IOException {
        return H2DumpFormat.verify(new ByteArrayInputStream(b));
    }

    private static final byte[] DUMP =
            framed("-- H2 2.3.232;\nCREATE TABLE T(ID INT);\nINSERT INTO T VALUES\n(1),\n(2);\n", 2);

    @Test
    void acceptsAnIntactDump() throws IOException {
        Trailer t = verify(DUMP);

        assertThat(t.statements()).isEqualTo(2);
        assertThat(t.sha256()).hasSize(64);
    }

    @Test
    void refusesEveryTruncation() {
        for (int len = 0; len < DUMP.length; len++) {
            byte[] cut = Arrays.copyOf(DUMP, len);
            assertThatThrownBy(() -> verify(cut)).as("cut at " + len).isInstanceOf(DamagedDumpException.class);
        }
    }

    @Test
    void refusesEveryFlippedBit() {
        for (int i = 0; i < DUMP.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = DUMP.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                assertThatThrownBy(() -> verify(bad))
                        .as("bit " + bit + " of byte " + at)
                        .isInstanceOf(DamagedDumpException.class);
            }
        }
    }

    @Test
    void refusesBytesAfterTheEndLine() {
        byte[] longer = Arrays.copyOf(DUMP, DUMP.length + 1);
        longer[DUMP.length] = '\n';

        assertThatThrownBy(() -> verify(longer)).hasMessageContaining("after the end line");
    }

    @Test
    void readsTheSameWhateverTheChunking() throws IOException {
        H2DumpFormat.Verifier v = new H2DumpFormat.Verifier();
        for (byte b : DUMP) {
            v.update(new byte[] {b}, 0, 1);
        }

        assertThat(v.finish()).isEqualTo(verify(DUMP));
    }
}
