package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.FaultInjectingStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure thrown to the caller is the caller's to report: the library does not also log it as an
 * error (the tests' logger prints ERROR lines to stderr).
 */
class NoLogAndThrowTest {
    @TempDir
    Path tmp;

    EngineFixture f;
    PrintStream stderr;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void captureStderr() throws Exception {
        f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        stderr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(stderr);
    }

    @Test
    void failedCreateAndRestoreAreThrownNotLogged() {
        FaultInjectingStorage storage =
                new FaultInjectingStorage(new FilesystemStorage(f.backups, false, null)).failWriteAfter(10, false);
        try (BackupManager backups =
                f.builder().component(BackupStorage.class, storage).build()) {
            assertThatThrownBy(backups::create).isInstanceOf(BackupException.class);
            assertThatThrownBy(() -> backups.restore(RestoreOptions.of("backup-20260101T000000Z-0000")))
                    .isInstanceOf(BackupNotFoundException.class);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("ERROR");
    }
}
