package io.backupkit.backup.encryption.openpgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.spi.DecryptedStream;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.SealKey;
import io.backupkit.backup.tck.Providers;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the library writes, gpg reads, and the other way round; the way to recover without this library. */
class GpgInteropTest {
    @TempDir
    static Path tmp;

    static Gpg gpg;
    static Gpg.Keys alice;
    static Gpg.Keys bob;

    @BeforeAll
    static void keys() throws Exception {
        Gpg.requireGpg();
        gpg = new Gpg(tmp);
        alice = gpg.generate("alice@example.com");
        bob = gpg.generate("bob@example.com");
    }

    static Encryption openpgp(Path recipient, Path secret, String passphrase) {
        return Providers.encryption("openpgp")
                .create(OpenPgpTestKeys.config(recipient, secret, passphrase == null ? null : Secret.of(passphrase)));
    }

    static Path plainFile(String name, int size) throws Exception {
        byte[] d = new byte[size];
        new Random(size).nextBytes(d);
        return Files.write(tmp.resolve(name), d);
    }

    @Test
    void gpgDecryptsWhatTheLibraryEncryptedToAPublicKey() throws Exception {
        Path plain = plainFile("a.bin", 2_000_000);
        Path cipher = tmp.resolve("a.bin.gpg");
        Encryption e = openpgp(alice.publicKey(), null, null);
        assertThat(e.canDecrypt()).as("the backing-up machine needs no secret").isFalse();
        try (OutputStream out = Files.newOutputStream(cipher);
                OutputStream enc = e.encrypt(out, "a.bin.gpg", SealKey.random())) {
            Files.copy(plain, enc);
        }
        Path decrypted = tmp.resolve("a.out");
        gpg.run("--passphrase", "", "--output", decrypted.toString(), "--decrypt", cipher.toString());
        assertThat(Files.mismatch(plain, decrypted)).isEqualTo(-1L);
    }

    @Test
    void libraryDecryptsWhatGpgEncrypted() throws Exception {
        Path plain = plainFile("b.bin", 1_000_000);
        Path cipher = tmp.resolve("b.bin.gpg");
        gpg.run(
                "--trust-model",
                "always",
                "--recipient",
                alice.email(),
                "--output",
                cipher.toString(),
                "--encrypt",
                plain.toString());
        try (DecryptedStream in =
                openpgp(null, alice.secretKey(), null).decrypt(Files.newInputStream(cipher), "b.bin.gpg")) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(plain));
            assertThat(in.sealKey()).as("gpg embeds no seal key").isEmpty();
        }
    }

    /**
     * Re-encrypting an artifact to another key with gpg (key rotation) keeps it restorable when the
     * embedded file name, which carries the seal key, is kept with {@code --set-filename}.
     */
    @Test
    void gpgReEncryptionThatKeepsTheEmbeddedNameKeepsTheSealKey() throws Exception {
        Path plain = plainFile("e.bin", 300_000);
        Path ours = tmp.resolve("e.gpg");
        SealKey key = SealKey.random();
        Encryption toAlice = openpgp(alice.publicKey(), null, null);
        try (OutputStream out = Files.newOutputStream(ours);
                OutputStream enc = toAlice.encrypt(out, "e.gpg", key)) {
            Files.copy(plain, enc);
        }
        String packets = gpg.run("--passphrase", "", "--list-packets", ours.toString());
        java.util.regex.Matcher name =
                java.util.regex.Pattern.compile("name=\"([^\"]*)\"").matcher(packets);
        assertThat(name.find()).as(packets).isTrue();
        Path clear = tmp.resolve("e.clear");
        gpg.run("--passphrase", "", "--output", clear.toString(), "--decrypt", ours.toString());
        Path rotated = tmp.resolve("e.bob.gpg");
        gpg.run(
                "--trust-model",
                "always",
                "--recipient",
                bob.email(),
                "--set-filename",
                name.group(1),
                "--output",
                rotated.toString(),
                "--encrypt",
                clear.toString());
        try (DecryptedStream in =
                openpgp(null, bob.secretKey(), null).decrypt(Files.newInputStream(rotated), "e.gpg")) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(plain));
            assertThat(in.sealKey()).contains(key);
        }
    }

    @Test
    void passphraseEncryptionWorksBothWays() throws Exception {
        Path plain = plainFile("c.bin", 500_000);
        Path passFile = Files.writeString(tmp.resolve("pass.txt"), "s3cret phrase");
        Path ours = tmp.resolve("c.ours.gpg");
        try (OutputStream out = Files.newOutputStream(ours);
                OutputStream enc = openpgp(null, null, "s3cret phrase").encrypt(out, "c.ours.gpg", SealKey.random())) {
            Files.copy(plain, enc);
        }
        Path decrypted = tmp.resolve("c.out");
        gpg.run(
                "--passphrase-file",
                passFile.toString(),
                "--output",
                decrypted.toString(),
                "--decrypt",
                ours.toString());
        assertThat(Files.mismatch(plain, decrypted)).isEqualTo(-1L);

        Path theirs = tmp.resolve("c.theirs.gpg");
        gpg.run(
                "--passphrase-file",
                passFile.toString(),
                "--cipher-algo",
                "AES256",
                "--output",
                theirs.toString(),
                "--symmetric",
                plain.toString());
        try (InputStream in =
                openpgp(null, null, "s3cret phrase").decrypt(Files.newInputStream(theirs), "c.theirs.gpg")) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(plain));
        }
    }

    @Test
    void t10_backupEncryptedToAnotherKeyIsRefusedNamingTheKeyId() throws Exception {
        Encryption toAlice = openpgp(alice.publicKey(), null, null);
        Path cipher = tmp.resolve("d.gpg");
        try (OutputStream out = Files.newOutputStream(cipher);
                OutputStream enc = toAlice.encrypt(out, "d.gpg", SealKey.random())) {
            enc.write(new byte[100]);
        }
        assertThatThrownBy(() -> openpgp(null, bob.secretKey(), null).decrypt(Files.newInputStream(cipher), "d.gpg"))
                .isInstanceOf(UnableToDecryptException.class)
                .hasMessageContaining(toAlice.keyId());
    }

    @Test
    void expiredKeyIsRefusedWhenConfigured() throws Exception {
        Gpg old = new Gpg(Files.createDirectories(tmp.resolve("old")));
        Gpg.Keys expired = old.generate("old@example.com", "--faked-system-time", "20200101T000000");
        assertThatThrownBy(() -> openpgp(expired.publicKey(), null, null))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void revokedKeyIsRefusedWhenConfiguredNamingTheKeyId() throws Exception {
        Gpg g = new Gpg(Files.createDirectories(tmp.resolve("rev")));
        // as gpg makes keys by default: a primary key that signs, a subkey that encrypts
        g.run("--passphrase", "", "--quick-generate-key", "Revoked <rev@example.com>", "default", "default", "never");
        Path pub = tmp.resolve("rev.pub.asc");
        Files.writeString(pub, g.run("--armor", "--export", "rev@example.com"), StandardCharsets.ISO_8859_1);
        assertThat(openpgp(pub, null, null).keyId()).hasSize(16);

        Path cert;
        try (var revs = Files.list(g.home.resolve("openpgp-revocs.d"))) {
            cert = revs.findFirst().orElseThrow();
        }
        Path armored = tmp.resolve("rev.asc");
        Files.writeString(armored, Files.readString(cert).replace(":-----BEGIN", "-----BEGIN"));
        g.run("--import", armored.toString());
        Files.writeString(pub, g.run("--armor", "--export", "rev@example.com"), StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> openpgp(pub, null, null))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("revoked")
                .hasMessageMatching("(?s).*\\b[0-9A-F]{16}\\b.*");
    }
}
