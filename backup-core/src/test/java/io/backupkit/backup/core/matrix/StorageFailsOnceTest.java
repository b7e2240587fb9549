package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.FaultInjectingStorage;
import io.backupkit.backup.tck.fixtures.MediaState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * T3: the storage fails once after N bytes (or on the manifest's commit). The create fails cleanly,
 * with a typed exception, nothing listed and nothing visible left in the folder; the next create
 * succeeds and every stored object's SHA-256, computed from the file, equals the manifest's.
 */
class StorageFailsOnceTest {
    @TempDir
    Path tmp;

    MatrixFixture f;
    FaultInjectingStorage storage;
    BackupManager backups;

    @BeforeEach
    void setUp() throws Exception {
        f = new MatrixFixture(tmp);
        f.createDatabase(1000); // the dump is ~330 KB compressed
        f.createMedia(6, 100_000, 5); // incompressible: the media artifact is ~600 KB
        storage = new FaultInjectingStorage(new FilesystemStorage(f.backups, false, null));
        backups = f.builder().component(BackupStorage.class, storage).build();
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        backups.close();
    }

    /** The next create fails with a typed exception and leaves nothing listed nor visible. */
    private void assertFailsCleanly(String what) throws Exception {
        assertThatThrownBy(() -> backups.create())
                .as(what)
                .isInstanceOf(UnableToStoreException.class)
                .hasMessageContaining("committed")
                .satisfies(
                        e -> assertThat(((UnableToStoreException) e).storage()).isEqualTo(storage.describe()))
                .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof FaultInjectingStorage.InjectedFault));
        assertThat(storage.injectedFaults()).as("the fault happened").isPositive();
        assertThat(backups.list()).isEmpty();
        assertThat(f.backupFolder())
                .as("no final object, no temp file, no lease left behind")
                .isEmpty();
    }

    /** The next create succeeds; the stored files' SHA-256 and sizes are the manifest's. */
    private BackupInfo assertRetrySucceedsByteIdentical() throws Exception {
        BackupInfo info = backups.create().backup();
        assertThat(backups.list()).containsExactly(info);
        for (ArtifactInfo a : info.artifacts()) {
            Path file = f.backups.resolve(a.name());
            assertThat(MediaState.sha256(file)).as(a.name()).isEqualTo(a.sha256());
            assertThat(Files.size(file)).as(a.name()).isEqualTo(a.size());
        }
        assertThat(f.backupFolder()).isEqualTo(MatrixFixture.objectsOf(info));
        assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).problems())
                .isEmpty();
        return info;
    }

    private static java.util.List<Throwable> causes(Throwable t) {
        java.util.List<Throwable> out = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
            out.add(c);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 64 * 1024, 200_000})
    void theDumpWriteFailingOnceAfterNBytesFailsCleanlyAndTheRetryStoresExactBytes(long bytes) throws Exception {
        storage.onlyFor(name -> name.contains(".db.")).failWriteAfter(bytes, true);

        assertFailsCleanly("write of the dump failed after " + bytes + " bytes");

        assertRetrySucceedsByteIdentical();
    }

    /**
     * The media write failing, in a media-only backup (with a database running beside it, see
     * {@link PartFailureCancelsOtherPartTest}).
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 64 * 1024, 300_000})
    void theMediaWriteFailingOnceAfterNBytesFailsCleanlyAndTheRetryStoresExactBytes(long bytes) throws Exception {
        backups.close();
        storage = new FaultInjectingStorage(new FilesystemStorage(f.backups, false, null));
        backups =
                f.builder().noDatabase().component(BackupStorage.class, storage).build();
        storage.onlyFor(name -> name.contains(".media.tar")).failWriteAfter(bytes, true);

        assertFailsCleanly("write of the media archive failed after " + bytes + " bytes");

        assertRetrySucceedsByteIdentical();
    }

    @Test
    void theManifestCommitFailingOnceLeavesNoBackupAndTheRetrySucceeds() throws Exception {
        storage.onlyFor(name -> name.endsWith(".manifest.json")).failCommit(true);

        assertFailsCleanly("commit of the manifest failed");

        BackupInfo info = assertRetrySucceedsByteIdentical();
        // and the retried backup restores to exactly what was backed up
        MatrixFixture.State backedUp = f.state();
        f.changeState();
        backups.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false));
        assertThat(f.state()).isEqualTo(backedUp);
    }

    @Test
    void theSameContentStoredTwiceAfterAFailureHasTheSameDigests() throws Exception {
        // compression without worker threads is deterministic: a retry stores the very same bytes
        // as an undisturbed backup of the same content
        try (BackupManager single = f.builder()
                .component(BackupStorage.class, storage)
                .compressionWorkers(1)
                .build()) {
            BackupInfo undisturbed = single.create().backup();
            storage.onlyFor(name -> name.contains(".db.")).failWriteAfter(100_000, true);
            assertThatThrownBy(single::create).isInstanceOf(UnableToStoreException.class);
            BackupInfo retried = single.create().backup();
            assertThat(retried.artifact(ArtifactInfo.MEDIA).orElseThrow().sha256())
                    .isEqualTo(undisturbed
                            .artifact(ArtifactInfo.MEDIA)
                            .orElseThrow()
                            .sha256());
            assertThat(MediaState.sha256(f.backups.resolve(
                            retried.artifact(ArtifactInfo.MEDIA).orElseThrow().name())))
                    .isEqualTo(undisturbed
                            .artifact(ArtifactInfo.MEDIA)
                            .orElseThrow()
                            .sha256());
        }
    }
}
