package io.backupkit.backup.encryption.openpgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.UnableToDecryptException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T10: a backup encrypted to another key is refused before the restore starts any phase, also
 * without a safety backup (where an H2 restore would otherwise start at once and read the dump
 * while it runs).
 */
class WrongKeyRefusedUpFrontTest {
    @RegisterExtension
    static final GpgKeys KEYS = new GpgKeys();

    @TempDir
    Path tmp;

    BackupManager.Builder builder(Path recipient, Path secret) {
        return new EncryptedApp(tmp).builder(recipient, secret);
    }

    @Test
    void t10_aWrongKeyIsRefusedBeforeAnyRestorePhaseStarts() throws Exception {
        new EncryptedApp(tmp).seed("confidential");
        BackupInfo info;
        try (BackupManager publicOnly = builder(KEYS.alice().publicKey(), null).build()) {
            info = publicOnly.create().backup();
        }
        List<Phase> phases = new CopyOnWriteArrayList<>();
        BackupListener recording = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                phases.add(phase);
            }
        };
        try (BackupManager wrongKey =
                builder(null, KEYS.bob().secretKey()).listener(recording).build()) {
            assertThatThrownBy(() -> wrongKey.restore(RestoreOptions.latest().withSafetyBackup(false)))
                    .isInstanceOf(UnableToDecryptException.class)
                    .hasMessageContaining(info.artifacts().get(0).keyId());
        }
        assertThat(phases)
                .as("no restore phase may start with a key that cannot decrypt")
                .isEmpty();
    }
}
