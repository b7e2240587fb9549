package io.backupkit.backup.storage.dropbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DropboxContentHasherTest {
    private static final int BLOCK = 4 * 1024 * 1024;

    @Test
    void emptyContentIsTheHashOfNoBlocks() {
        // Dropbox reports e3b0... (SHA-256 of nothing) for an empty file
        assertThat(DropboxContentHasher.of(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void contentIsHashedPerFourMebibyteBlock() throws Exception {
        byte[] content = new byte[2 * BLOCK + 12345];
        new Random(7).nextBytes(content);

        MessageDigest overall = MessageDigest.getInstance("SHA-256");
        for (int start = 0; start < content.length; start += BLOCK) {
            MessageDigest block = MessageDigest.getInstance("SHA-256");
            block.update(content, start, Math.min(BLOCK, content.length - start));
            overall.update(block.digest());
        }
        String expected = HexFormat.of().formatHex(overall.digest());

        assertThat(DropboxContentHasher.of(content)).isEqualTo(expected);
        // it is not the plain SHA-256 of the content
        assertThat(expected)
                .isNotEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    }

    @Test
    void streamingInOddPiecesGivesTheSameHash() {
        byte[] content = new byte[BLOCK + 1];
        new Random(8).nextBytes(content);
        DropboxContentHasher h = new DropboxContentHasher();
        int pos = 0;
        int step = 1;
        while (pos < content.length) {
            int n = Math.min(step, content.length - pos);
            h.update(content, pos, n);
            pos += n;
            step = step * 5 + 3;
        }
        assertThat(h.finish()).isEqualTo(DropboxContentHasher.of(content)).isEqualTo(h.finish());
        assertThat(h.finish()).isEqualTo(FakeDropboxServer.contentHash(content));
    }

    @Test
    void exactlyOneBlock() {
        byte[] content = new byte[BLOCK];
        new Random(9).nextBytes(content);
        assertThat(DropboxContentHasher.of(content)).isEqualTo(FakeDropboxServer.contentHash(content));
    }
}
