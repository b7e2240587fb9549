package io.backupkit.backup.encryption.openpgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.spi.DecryptedStream;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.SealKey;
import io.backupkit.backup.tck.Providers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streaming OpenPGP round trips and the failures that must be detected (T7, T8, T10). */
class OpenPgpEncryptionTest {
    static final String NAME = "backup-20261127T014130Z-3f9a.db.sql.zst.gpg";

    @TempDir
    Path tmp;

    static Encryption passphrase(String p) {
        return Providers.encryption("openpgp").create(OpenPgpTestKeys.config(null, null, Secret.of(p)));
    }

    static byte[] data(int size) {
        byte[] d = new byte[size];
        new Random(size).nextBytes(d);
        return d;
    }

    static byte[] encrypt(Encryption e, byte[] plain, String name) throws Exception {
        return encrypt(e, plain, name, SealKey.random());
    }

    static byte[] encrypt(Encryption e, byte[] plain, String name, SealKey sealKey) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = e.encrypt(out, name, sealKey)) {
            for (int i = 0; i < plain.length; i += 7777) {
                enc.write(plain, i, Math.min(7777, plain.length - i));
            }
        }
        return out.toByteArray();
    }

    static byte[] decrypt(Encryption e, byte[] cipher, String name) throws Exception {
        try (InputStream in = e.decrypt(new ByteArrayInputStream(cipher), name)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65535, 65536, 3_000_001})
    void roundTripOfUnknownLength(int size) throws Exception {
        Encryption e = passphrase("correct horse");
        byte[] plain = data(size);
        byte[] cipher = encrypt(e, plain, NAME);
        assertThat(cipher).isNotEqualTo(plain);
        assertThat(decrypt(e, cipher, NAME)).isEqualTo(plain);
        assertThat(e.keyId()).isEqualTo("passphrase");
        assertThat(e.canDecrypt()).isTrue();
    }

    @Test
    void theSealKeyComesBackFromInsideTheArtifact() throws Exception {
        Encryption e = passphrase("p");
        SealKey key = SealKey.random();
        byte[] cipher = encrypt(e, data(1000), NAME, key);
        assertThat(new String(cipher, java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("the key is encrypted, not visible in the artifact")
                .doesNotContain(key.encoded());
        try (DecryptedStream in = e.decrypt(new ByteArrayInputStream(cipher), NAME)) {
            assertThat(in.sealKey()).contains(key);
            assertThat(in.readAllBytes()).isEqualTo(data(1000));
        }
        byte[] unsealed = encrypt(e, data(10), NAME, null);
        try (DecryptedStream in = e.decrypt(new ByteArrayInputStream(unsealed), NAME)) {
            assertThat(in.sealKey()).isEmpty();
        }
    }

    @Test
    void t7_flippedBitIsDetected() throws Exception {
        Encryption e = passphrase("p");
        byte[] cipher = encrypt(e, data(200_000), NAME);
        cipher[cipher.length / 2] ^= 0x01;
        assertThatThrownBy(() -> decrypt(e, cipher, NAME)).isInstanceOf(CorruptBackupException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 65536})
    void t8_truncationIsDetectedAlsoAtABlockBoundary(int cut) throws Exception {
        Encryption e = passphrase("p");
        byte[] cipher = encrypt(e, data(300_000), NAME);
        int keep = cut == 65536 ? (cipher.length / 65536) * 65536 : cipher.length - cut;
        byte[] truncated = Arrays.copyOf(cipher, keep);
        assertThatThrownBy(() -> decrypt(e, truncated, NAME)).isInstanceOf(CorruptBackupException.class);
    }

    @Test
    void t10_wrongPassphraseIsRefused() throws Exception {
        byte[] cipher = encrypt(passphrase("right"), data(1000), NAME);
        assertThatThrownBy(() -> decrypt(passphrase("wrong"), cipher, NAME))
                .isInstanceOf(UnableToDecryptException.class)
                .hasMessageContaining("passphrase")
                .hasMessageNotContaining("wrong\"");
    }

    @Test
    void swappedArtifactIsRefused() throws Exception {
        Encryption e = passphrase("p");
        byte[] cipher = encrypt(e, data(1000), "backup-20261127T014130Z-aaaa.db.sql.zst.gpg");
        assertThatThrownBy(() -> decrypt(e, cipher, NAME))
                .isInstanceOf(CorruptBackupException.class)
                .hasMessageContaining("swapped");
    }

    @Test
    void missingOrUnreadableKeyFilesAreConfigurationErrorsNamingTheSetting() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("key.asc"), "not a key");
        var provider = Providers.encryption("openpgp");
        assertThatThrownBy(() -> provider.create(OpenPgpTestKeys.config(garbage, null, null)))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("key.asc");
        assertThatThrownBy(() -> provider.create(OpenPgpTestKeys.config(tmp.resolve("missing.asc"), null, null)))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("missing.asc");
        assertThatThrownBy(() -> provider.create(OpenPgpTestKeys.config(null, null, null)))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("recipient key");
    }
}
