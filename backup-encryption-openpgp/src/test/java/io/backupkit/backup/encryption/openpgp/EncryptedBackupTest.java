package io.backupkit.backup.encryption.openpgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.VerifyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted backups end to end: H2 + media, filesystem storage, keys made by gpg. */
class EncryptedBackupTest {
    @RegisterExtension
    static final GpgKeys KEYS = new GpgKeys();

    @TempDir
    Path tmp;

    BackupManager manager(Path recipient, Path secret) {
        return new EncryptedApp(tmp).builder(recipient, secret).build();
    }

    BackupManager.Builder builder(Map<String, Object> encryption) {
        return new EncryptedApp(tmp).builder(encryption);
    }

    void sql(String s) throws Exception {
        new EncryptedApp(tmp).sql(s);
    }

    long count() throws Exception {
        return new EncryptedApp(tmp).rows();
    }

    @Test
    void encryptedBackupRoundTripsAndGpgCanOpenItsArtifacts() throws Exception {
        new EncryptedApp(tmp).seed("confidential");
        BackupInfo info;
        try (BackupManager publicOnly = manager(KEYS.alice().publicKey(), null)) {
            info = publicOnly.create().backup();
            assertThat(info.artifacts()).allSatisfy(a -> {
                assertThat(a.name()).endsWith(".gpg");
                assertThat(a.encryption()).isEqualTo("openpgp");
                assertThat(a.keyId()).hasSize(16);
            });
            // without the secret key: quick verify works, restore refuses before changing anything (T10)
            assertThat(publicOnly.verify("latest", VerifyMode.QUICK).ok()).isTrue();
            sql("INSERT INTO t VALUES (2)");
            assertThatThrownBy(() -> publicOnly.restore(RestoreOptions.latest()))
                    .isInstanceOf(UnableToDecryptException.class)
                    .hasMessageContaining(info.artifacts().get(0).keyId());
            assertThat(count()).isEqualTo(2);
            assertThat(Files.readString(tmp.resolve("media/doc.txt"))).isEqualTo("confidential");
        }
        try (BackupManager wrongKey = manager(null, KEYS.bob().secretKey())) {
            assertThatThrownBy(() -> wrongKey.restore(RestoreOptions.latest().withSafetyBackup(false)))
                    .isInstanceOf(UnableToDecryptException.class);
            assertThat(count()).isEqualTo(2);
        }
        try (BackupManager withSecret =
                manager(KEYS.alice().publicKey(), KEYS.alice().secretKey())) {
            assertThat(withSecret.verify("latest", VerifyMode.DEEP).ok()).isTrue();
            withSecret.restore(RestoreOptions.of(info.id().value()));
            assertThat(count()).isEqualTo(1);
        }
        // recovery without this library: gpg decrypts, zstd decompresses (the README documents this)
        ArtifactInfo media = info.artifact(ArtifactInfo.MEDIA).orElseThrow();
        Path tarZst = tmp.resolve("media.tar.zst");
        KEYS.gpg()
                .run(
                        "--passphrase",
                        "",
                        "--output",
                        tarZst.toString(),
                        "--decrypt",
                        tmp.resolve("backups").resolve(media.name()).toString());
        assertThat(Files.size(tarZst)).isPositive();
    }

    @Test
    void aPassphraseCallbackUnlocksTheSecretKeyAndAnUnattendedOneIsRefusedNamingTheKey() throws Exception {
        Gpg.Keys carol = KEYS.gpg().generateProtected("carol@example.com", "carol's passphrase");
        Files.createDirectories(tmp.resolve("media"));
        sql("CREATE TABLE t (id INT)");
        sql("INSERT INTO t VALUES (1)");
        BackupInfo info;
        try (BackupManager publicOnly = manager(carol.publicKey(), null)) {
            info = publicOnly.create().backup();
        }
        String keyId = info.artifacts().get(0).keyId();
        sql("INSERT INTO t VALUES (2)");
        Map<String, Object> secretOnly = OpenPgpTestKeys.keys(null, carol.secretKey(), null);
        List<String> asked = new CopyOnWriteArrayList<>();
        try (BackupManager unattended = builder(secretOnly)
                .passphraseCallback(k -> {
                    asked.add(k);
                    return Optional.empty();
                })
                .build()) {
            assertThatThrownBy(() -> unattended.restore(RestoreOptions.latest().withSafetyBackup(false)))
                    .isInstanceOf(UnableToDecryptException.class)
                    .hasMessageContaining(keyId)
                    .hasMessageContaining("nothing was changed");
        }
        assertThat(asked).containsExactly(keyId);
        assertThat(count()).isEqualTo(2);
        asked.clear();
        try (BackupManager attended = builder(secretOnly)
                .passphraseCallback(k -> {
                    asked.add(k);
                    return Optional.of(Secret.of("carol's passphrase"));
                })
                .build()) {
            assertThat(attended.verify(info.id().value(), VerifyMode.DEEP).ok()).isTrue();
            attended.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false));
        }
        assertThat(asked).as("asked once for the key the manifest names").containsExactly(keyId);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void aSymmetricBackupWhosePassphraseComesFromTheCallback() throws Exception {
        Files.createDirectories(tmp.resolve("media"));
        Files.writeString(tmp.resolve("media/doc.txt"), "v1");
        sql("CREATE TABLE t (id INT)");
        Map<String, Object> none = OpenPgpTestKeys.keys(null, null, null);
        BackupInfo info;
        try (BackupManager backups = builder(none)
                .passphraseCallback(k -> Optional.of(Secret.of("from the vault")))
                .build()) {
            info = backups.create().backup();
        }
        assertThat(info.artifacts()).allMatch(a -> "passphrase".equals(a.keyId()));
        Files.writeString(tmp.resolve("media/doc.txt"), "v2");
        try (BackupManager wrong = builder(none)
                .passphraseCallback(k -> Optional.of(Secret.of("guess")))
                .build()) {
            assertThatThrownBy(() -> wrong.restore(RestoreOptions.latest().withSafetyBackup(false)))
                    .isInstanceOf(UnableToDecryptException.class)
                    .hasMessageContaining("passphrase");
        }
        assertThat(Files.readString(tmp.resolve("media/doc.txt"))).isEqualTo("v2");
        try (BackupManager right = builder(OpenPgpTestKeys.keys(null, null, Secret.of("from the vault")))
                .build()) {
            right.restore(RestoreOptions.latest().withSafetyBackup(false));
        }
        assertThat(Files.readString(tmp.resolve("media/doc.txt"))).isEqualTo("v1");
    }
}
