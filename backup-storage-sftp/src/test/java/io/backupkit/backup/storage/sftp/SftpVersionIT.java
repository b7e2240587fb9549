package io.backupkit.backup.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The version a commit or a create returns is the one stat gives later, as the storage lease needs. */
class SftpVersionIT {
    @RegisterExtension
    static final SshdServer SERVER = new SshdServer();

    @Test
    void committedVersionIsTheStatVersion() throws Exception {
        try (SftpStorage storage = SERVER.storage(SERVER.newFolder(), SERVER.options())) {
            assertThat(storage.createIfAbsent("backup.lease", "one".getBytes(StandardCharsets.UTF_8)))
                    .isTrue();
            StoredObject created = storage.stat("backup.lease").orElseThrow();
            assertThat(storage.stat("backup.lease")).contains(created);
            for (int i = 0; i < 3; i++) {
                StoredObject committed;
                try (ObjectWrite w = storage.openWrite("backup.lease")) {
                    w.stream().write(("renewed " + i).getBytes(StandardCharsets.UTF_8));
                    committed = w.commit();
                }
                assertThat(committed.version()).isNotEqualTo(created.version());
                assertThat(storage.stat("backup.lease").orElseThrow().version()).isEqualTo(committed.version());
                Thread.sleep(400);
                assertThat(storage.stat("backup.lease").orElseThrow().version()).isEqualTo(committed.version());
            }
        }
    }
}
