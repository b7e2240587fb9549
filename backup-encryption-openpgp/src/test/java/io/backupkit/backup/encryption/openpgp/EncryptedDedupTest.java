package io.backupkit.backup.encryption.openpgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.VerifyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted dedup locations: chunks are sealed under a data key wrapped by the OpenPGP key or
 * passphrase, chunk ids are keyed (the storage does not show a file's SHA-256), a second backup still
 * stores only what changed, a lost index is rebuilt from the packs' sealed tables, and a wrong key
 * changes nothing.
 */
class EncryptedDedupTest {
    @TempDir
    static Path keysDir;

    @TempDir
    Path tmp;

    static Gpg.Keys alice;

    @BeforeAll
    static void keys() throws Exception {
        Gpg.requireGpg();
        alice = new Gpg(keysDir).generate("alice@example.com");
    }

    private BackupManager.Builder dedup(Map<String, Object> encryption) {
        return new EncryptedApp(tmp).builder(encryption).format(BackupFormat.DEDUP);
    }

    @Test
    void aPassphraseLocationRoundTripsSharesChunksAndHidesContent() throws Exception {
        EncryptedApp app = new EncryptedApp(tmp);
        byte[] photo = new byte[2_000_000];
        new Random(5).nextBytes(photo);
        Files.createDirectories(tmp.resolve("media"));
        Files.write(tmp.resolve("media/photo.jpg"), photo);
        Files.writeString(tmp.resolve("media/doc.txt"), "v1");
        app.sql("CREATE TABLE t (id INT)");
        app.sql("INSERT INTO t VALUES (1)");
        Map<String, Object> passphrase = OpenPgpTestKeys.keys(null, null, Secret.of("correct horse"));
        try (BackupManager backups = dedup(passphrase).build()) {
            BackupInfo first = backups.create().backup();
            long afterFirst = stored();
            Files.writeString(tmp.resolve("media/doc.txt"), "v2");
            backups.create();
            assertThat(stored() - afterFirst)
                    .as("the photo is not stored again")
                    .isLessThan(200_000);
            assertThat(backups.verify(first.id().value(), VerifyMode.DEEP).problems())
                    .isEmpty();

            // neither the photo's bytes nor its SHA-256 (its id unencrypted) are in the storage
            String sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(photo));
            byte[] probe = java.util.Arrays.copyOfRange(photo, 1000, 1032);
            try (Stream<Path> files = Files.list(tmp.resolve("backups"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    byte[] content = Files.readAllBytes(f);
                    assertThat(new String(content, java.nio.charset.StandardCharsets.ISO_8859_1))
                            .doesNotContain(sha);
                    assertThat(indexOf(content, probe)).as(f.toString()).isEqualTo(-1);
                }
            }

            // lost index objects are rebuilt from the packs' sealed tables: nothing is stored again
            try (Stream<Path> files = Files.list(tmp.resolve("backups"))) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith("dedup-index-"))
                        .toList()) {
                    Files.delete(f);
                }
            }
            long beforeRebuild = stored();
            backups.create();
            assertThat(stored() - beforeRebuild).isLessThan(200_000);

            app.sql("INSERT INTO t VALUES (2)");
            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            assertThat(app.rows()).isEqualTo(1);
            assertThat(Files.readString(tmp.resolve("media/doc.txt"))).isEqualTo("v1");
            assertThat(Files.readAllBytes(tmp.resolve("media/photo.jpg"))).isEqualTo(photo);
        }
        Files.writeString(tmp.resolve("media/doc.txt"), "v3");
        try (BackupManager wrong =
                dedup(OpenPgpTestKeys.keys(null, null, Secret.of("guess"))).build()) {
            assertThatThrownBy(() -> wrong.restore(RestoreOptions.latest().withSafetyBackup(false)))
                    .isInstanceOf(UnableToDecryptException.class);
            assertThatThrownBy(wrong::create).isInstanceOf(UnableToDecryptException.class);
        }
        assertThat(Files.readString(tmp.resolve("media/doc.txt"))).isEqualTo("v3");
    }

    @Test
    void aKeyPairLocationNeedsTheSecretKeyToBackUpAndRestore() throws Exception {
        EncryptedApp app = new EncryptedApp(tmp);
        Files.createDirectories(tmp.resolve("media"));
        Files.writeString(tmp.resolve("media/doc.txt"), "v1");
        app.sql("CREATE TABLE t (id INT)");
        try (BackupManager backups = dedup(OpenPgpTestKeys.keys(alice.publicKey(), alice.secretKey(), null))
                .build()) {
            BackupInfo info = backups.create().backup();
            assertThat(info.artifacts()).allMatch(a -> a.encrypted());
            Files.writeString(tmp.resolve("media/doc.txt"), "v2");
            backups.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false));
            assertThat(Files.readString(tmp.resolve("media/doc.txt"))).isEqualTo("v1");
        }
        try (BackupManager publicOnly =
                dedup(OpenPgpTestKeys.keys(alice.publicKey(), null, null)).build()) {
            assertThatThrownBy(publicOnly::create)
                    .isInstanceOf(UnableToDecryptException.class)
                    .hasMessageContaining("configure its secret key or passphrase");
        }
        Path other = tmp.resolve("plain-backups");
        try (BackupManager unencrypted = BackupManager.builder()
                .storage("filesystem", other.toString(), Map.of())
                .mediaDir(tmp.resolve("media"))
                .spoolDir(tmp.resolve("spool"))
                .format(BackupFormat.DEDUP)
                .build()) {
            unencrypted.create();
        }
        try (BackupManager encrypted = BackupManager.builder()
                .storage("filesystem", other.toString(), Map.of())
                .mediaDir(tmp.resolve("media"))
                .spoolDir(tmp.resolve("spool"))
                .format(BackupFormat.DEDUP)
                .encryption("openpgp", OpenPgpTestKeys.keys(null, null, Secret.of("p")))
                .build()) {
            assertThatThrownBy(encrypted::create)
                    .isInstanceOf(BackupConfigurationException.class)
                    .hasMessageContaining("unencrypted dedup backups");
        }
    }

    private long stored() throws Exception {
        try (Stream<Path> files = Files.list(tmp.resolve("backups"))) {
            long sum = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sum += Files.size(f);
            }
            return sum;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
