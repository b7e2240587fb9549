package io.backupkit.backup.encryption.openpgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Secret;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.SealKey;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * T9: the manifest of an encrypted backup is authenticated. Its HMAC is keyed by a seal key that
 * lives only inside the encrypted artifacts, so someone who can write the storage (and holds the
 * public key, which is not secret) but cannot decrypt cannot edit the manifest, nor replace an
 * artifact and reseal the manifest with a key of their own: restore refuses before anything
 * changes, deep verify reports it.
 */
class ManifestAuthenticationTest {
    /** How manifests are written: indented JSON; the seal covers the document without its seal. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @RegisterExtension
    static final GpgKeys KEYS = new GpgKeys();

    @TempDir
    Path tmp;

    BackupInfo info;
    Path manifest;

    BackupManager manager(Map<String, Object> encryption) {
        return new EncryptedApp(tmp).builder(encryption).build();
    }

    BackupManager publicOnly() throws Exception {
        return manager(OpenPgpTestKeys.keys(KEYS.alice().publicKey(), null, null));
    }

    BackupManager withSecret() throws Exception {
        return manager(
                OpenPgpTestKeys.keys(KEYS.alice().publicKey(), KEYS.alice().secretKey(), null));
    }

    @BeforeEach
    void backupThenChange() throws Exception {
        new EncryptedApp(tmp).seed("as backed up");
        try (BackupManager backups = publicOnly()) {
            info = backups.create().backup();
        }
        assertThat(info.seal()).startsWith("hmac-sha256:");
        manifest = tmp.resolve("backups").resolve(info.id() + ".manifest.json");
        // the state a refused restore must leave alone
        new EncryptedApp(tmp).sql("INSERT INTO t VALUES (2)");
        Files.writeString(tmp.resolve("media/doc.txt"), "changed since");
    }

    void assertNothingChanged() throws Exception {
        assertThat(new EncryptedApp(tmp).rows()).isEqualTo(2);
        assertThat(Files.readString(tmp.resolve("media/doc.txt"))).isEqualTo("changed since");
        assertThat(tmp.resolve("media"))
                .isDirectoryNotContaining(p -> !p.getFileName().toString().equals("doc.txt"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a label | \"manual\" | \"daily\"",
                "the host application | \"application\" : null | \"application\" : \"other\"",
                "a media count | \"file_count\" : 1 | \"file_count\" : 2",
                "an artifact's digest | \"sha256\" : \" | \"sha256\" : \"0",
            })
    void t9_anEditedManifestIsRefusedBeforeAnythingChanges(String what, String from, String to) throws Exception {
        String text = Files.readString(manifest);
        assertThat(text).contains(from);
        String edited = text.replaceFirst(java.util.regex.Pattern.quote(from), to);
        if (what.contains("digest")) {
            // keep it 64 hex digits: drop the last one
            int at = edited.indexOf(to) + to.length() + 63;
            edited = edited.substring(0, at) + edited.substring(at + 1);
        }
        Files.writeString(manifest, edited);
        try (BackupManager backups = withSecret()) {
            VerifyResult deep = backups.verify(info.id().value(), VerifyMode.DEEP);
            assertThat(deep.ok()).isFalse();
            assertThat(deep.problems()).anyMatch(p -> p.contains("does not match the seal inside"));
            assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining("manifest was edited")
                    .hasMessageContaining("nothing was changed");
        }
        assertNothingChanged();
    }

    @Test
    void t9_anArtifactReplacedAndTheManifestResealedWithAnAttackersKeyIsRefused() throws Exception {
        // all the attacker has: write access to the storage and the public key
        ArtifactInfo media = info.artifact(ArtifactInfo.MEDIA).orElseThrow();
        Encryption attacker = new OpenPgpEncryptionProvider()
                .create(OpenPgpTestKeys.config(KEYS.alice().publicKey(), null, null));
        SealKey theirs = SealKey.random();
        byte[] content = new byte[5000];
        new Random(9).nextBytes(content);
        ByteArrayOutputStream forged = new ByteArrayOutputStream();
        try (OutputStream enc = attacker.encrypt(forged, media.name(), theirs)) {
            enc.write(content);
        }
        Files.write(tmp.resolve("backups").resolve(media.name()), forged.toByteArray());
        // the manifest format is no secret: point it at the forged artifact and seal it with their key
        String digest =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(forged.toByteArray()));
        ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
        for (JsonNode a : root.withArray("artifacts")) {
            if (a.get("name").asText().equals(media.name())) {
                ((ObjectNode) a).put("size", forged.size()).put("sha256", digest);
            }
        }
        root.remove("seal");
        byte[] sealed = JSON.writeValueAsBytes(root);
        root.put("seal", "hmac-sha256:" + HexFormat.of().formatHex(theirs.mac(sealed)));
        JSON.writeValue(manifest.toFile(), root);

        try (BackupManager backups = withSecret()) {
            ArtifactInfo dump = info.artifact(ArtifactInfo.DATABASE).orElseThrow();
            VerifyResult deep = backups.verify(info.id().value(), VerifyMode.DEEP);
            assertThat(deep.problems()).anyMatch(p -> p.contains(dump.name()) && p.contains("seal"));
            assertThat(deep.problems())
                    .as("the forged artifact passes the seal check: the forgery is a valid one")
                    .noneMatch(p -> p.startsWith(media.name()) && p.contains("seal"));
            assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining(dump.name())
                    .hasMessageContaining("nothing was changed");
        }
        assertNothingChanged();
    }

    @Test
    void t9_anEncryptedBackupsManifestStrippedOfItsSealIsRefusedWhenRead() throws Exception {
        String text = Files.readString(manifest);
        String stripped = text.replaceAll(",\\s*\"seal\" : \"[^\"]*\"", "");
        assertThat(stripped).doesNotContain("seal");
        for (String version : List.of("2", "1")) {
            Files.writeString(
                    manifest, stripped.replaceFirst("\"format_version\" : \\d+", "\"format_version\" : " + version));
            try (BackupManager backups = publicOnly()) {
                assertThat(backups.list()).as("format %s", version).isEmpty();
                assertThatThrownBy(() -> backups.get(info.id().value()))
                        .isInstanceOf(CorruptBackupException.class)
                        .hasMessageContaining("seal");
            }
            try (BackupManager backups = withSecret()) {
                assertThatThrownBy(() ->
                                backups.restore(RestoreOptions.of(info.id().value())))
                        .isInstanceOf(CorruptBackupException.class);
            }
        }
        assertNothingChanged();
    }

    @Test
    void t9_withAPassphraseAnEditedManifestIsRefusedAndTheIntactOneRestores() throws Exception {
        Path pass = Files.writeString(tmp.resolve("pass.txt"), "correct horse battery");
        Map<String, Object> passphrase =
                OpenPgpTestKeys.keys(null, null, Secret.of(Files.readString(pass, StandardCharsets.UTF_8)));
        BackupInfo symmetric;
        try (BackupManager backups = manager(passphrase)) {
            symmetric = backups.create().backup();
        }
        assertThat(symmetric.artifacts()).allMatch(a -> "passphrase".equals(a.keyId()));
        Path file = tmp.resolve("backups").resolve(symmetric.id() + ".manifest.json");
        byte[] intact = Files.readAllBytes(file);
        Files.writeString(file, new String(intact, StandardCharsets.UTF_8).replace("\"manual\"", "\"pre-upgrade\""));
        try (BackupManager backups = manager(passphrase)) {
            assertThatThrownBy(() ->
                            backups.restore(RestoreOptions.of(symmetric.id().value())))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining("manifest was edited");
            assertNothingChanged();
            Files.write(file, intact);
            assertThat(backups.verify(symmetric.id().value(), VerifyMode.DEEP).ok())
                    .isTrue();
            backups.restore(RestoreOptions.of(symmetric.id().value()));
        }
        assertThat(new EncryptedApp(tmp).rows()).isEqualTo(2);
        assertThat(Files.readString(tmp.resolve("media/doc.txt"))).isEqualTo("changed since");
    }
}
