package io.backupkit.backup.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ed25519, ECDSA and RSA user keys in OpenSSH format, made by ssh-keygen, log in to a real sshd. */
class SftpKeysIT {
    @RegisterExtension
    static final SshdServer SERVER = new SshdServer();

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void eachKeyTypeLogsInAndStores(String type) throws Exception {
        assertThat(Files.readString(SERVER.userKey(type))).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        Path folder = SERVER.newFolder();
        byte[] content = ("stored with an " + type + " key").getBytes(StandardCharsets.UTF_8);
        try (SftpStorage storage = SERVER.storage(folder, SERVER.options(SERVER.port(), type))) {
            StoredObject stored;
            try (ObjectWrite w = storage.openWrite("key-" + type + ".txt")) {
                w.stream().write(content);
                stored = w.commit();
            }
            assertThat(stored.size()).isEqualTo(content.length);
            try (InputStream in = storage.openRead("key-" + type + ".txt")) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
        assertThat(Files.readAllBytes(folder.resolve("key-" + type + ".txt"))).isEqualTo(content);
        assertThat(SshdServer.filesIn(folder)).containsExactly("key-" + type + ".txt");
    }
}
