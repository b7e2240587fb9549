package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.FaultInjectingStorage;
import io.backupkit.backup.tck.fixtures.MediaState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * T5: bytes corrupted in transit (the stored object is intact, {@code stat} unchanged, only what a
 * read returns is altered): deep verify reports the artifact, restore refuses with {@link
 * CorruptBackupException} before changing anything, and the database and media folder are
 * untouched. The reads go through {@link FaultInjectingStorage} over a real filesystem storage.
 */
class TransitCorruptionTest {
    @TempDir
    Path tmp;

    MatrixFixture f;
    FaultInjectingStorage storage;
    BackupManager backups;
    BackupInfo info;
    MatrixFixture.State current;

    @BeforeEach
    void setUp() throws Exception {
        f = new MatrixFixture(tmp);
        f.createDatabase(300);
        f.createMedia(4, 150_000, 9);
        storage = new FaultInjectingStorage(new FilesystemStorage(f.backups, false, null));
        backups = f.builder().component(BackupStorage.class, storage).build();
        info = backups.create().backup();
        f.changeState(); // a restore that went through would be visible
        current = f.state();
    }

    @AfterEach
    void tearDown() {
        backups.close();
    }

    private ArtifactInfo artifact(String kind) {
        return info.artifact(kind).orElseThrow();
    }

    /** What must hold whatever was corrupted on the way: reported, refused, nothing changed. */
    private void assertDetectedAndRefused(ArtifactInfo a) throws Exception {
        int before = storage.injectedFaults();
        assertThat(backups.verify(info.id().value(), VerifyMode.QUICK).ok())
                .as("quick verify sees the stored sizes: in transit nothing shows")
                .isTrue();
        VerifyResult deep = backups.verify(info.id().value(), VerifyMode.DEEP);
        assertThat(deep.ok()).isFalse();
        assertThat(deep.problems()).anyMatch(p -> p.contains(a.name()));
        assertThat(storage.injectedFaults()).as("the read was really corrupted").isGreaterThan(before);

        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(CorruptBackupException.class)
                .hasMessageContaining(a.name());
        // (the dump's digest check says "nothing was changed"; the media extractor's message, when
        // decompression fails before the digest is reached, does not say so: the state check does)
        assertThat(f.state()).isEqualTo(current);
        assertThat(Files.exists(f.spool) ? MatrixFixture.listNames(f.spool) : java.util.Set.of())
                .as("nothing left in the spool folder")
                .isEmpty();
        assertThat(MatrixFixture.listNames(f.root))
                .as("no staging or old media folder left beside the media folder")
                .containsOnly("backups", "db", "media", ".media.lock", "spool");
        assertThat(backups.list())
                .as("no safety backup was taken before verification failed")
                .containsExactly(info);

        // the stored object was never damaged: without the fault everything is sound
        storage.clearFaults();
        assertThat(MediaState.sha256(f.backups.resolve(a.name()))).isEqualTo(a.sha256());
        assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).problems())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0} byte {1}")
    @CsvSource({"database, first", "database, middle", "database, last", "media, first", "media, middle", "media, last"
    })
    void aByteFlippedInTransitIsDetected(String kind, String where) throws Exception {
        ArtifactInfo a = artifact(kind);
        long position =
                switch (where) {
                    case "first" -> 0;
                    case "last" -> a.size() - 1;
                    default -> a.size() / 2;
                };
        storage.onlyFor(a.name()::equals).flipByteOnRead(position);
        assertDetectedAndRefused(a);
    }

    @ParameterizedTest(name = "{0} cut at {1}")
    @CsvSource({
        "database, half",
        "database, block",
        "database, lastByte",
        "media, half",
        "media, block",
        "media, lastByte"
    })
    void aReadCutShortInTransitIsDetected(String kind, String where) throws Exception {
        ArtifactInfo a = artifact(kind);
        long length =
                switch (where) {
                    case "block" -> Math.max(0, (a.size() - 1) / 65536 * 65536); // at a 64 KiB boundary
                    case "lastByte" -> a.size() - 1;
                    default -> a.size() / 2;
                };
        storage.onlyFor(a.name()::equals).truncateReadsAt(length);
        assertDetectedAndRefused(a);
    }

    @Test
    void aConnectionDroppedDuringTheDownloadFailsTypedAndChangesNothing() throws Exception {
        ArtifactInfo a = artifact(ArtifactInfo.MEDIA);
        storage.onlyFor(a.name()::equals).failReadAfter(a.size() / 2);
        VerifyResult deep = backups.verify(info.id().value(), VerifyMode.DEEP);
        assertThat(deep.problems()).anyMatch(p -> p.contains(a.name()));
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(BackupException.class);
        assertThat(f.state()).isEqualTo(current);
    }

    @Test
    void aManifestCorruptedInTransitIsNotTrusted() throws Exception {
        String name = info.id().value() + ".manifest.json";
        String text = Files.readString(f.backups.resolve(name), StandardCharsets.UTF_8);
        // flip a byte inside the database artifact's digest: ~'x' is no hex digit
        long position = text.getBytes(StandardCharsets.UTF_8).length
                - text.substring(text.indexOf(artifact(ArtifactInfo.DATABASE).sha256()) + 10)
                        .getBytes(StandardCharsets.UTF_8)
                        .length;
        storage.onlyFor(name::equals).flipByteOnRead(position);

        assertThat(backups.list()).as("an unreadable manifest is not listed").isEmpty();
        assertThatThrownBy(() -> backups.verify(info.id().value(), VerifyMode.DEEP))
                .isInstanceOf(CorruptBackupException.class);
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(CorruptBackupException.class);
        assertThat(f.state()).isEqualTo(current);
        assertThat(storage.injectedFaults()).isPositive();
    }
}
