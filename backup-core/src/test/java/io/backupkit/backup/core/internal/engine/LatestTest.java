package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.internal.manifest.TestManifests;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.FaultInjectingStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latest} reads only the newest manifests (a manifest's created time lies within the second
 * its id names), and gives the same answer as the newest of {@code list()}.
 */
class LatestTest {
    @TempDir
    Path tmp;

    EngineFixture f;
    BackupInfo oldest;
    BackupInfo middle;
    BackupInfo newest;

    @BeforeEach
    void threeBackups() throws Exception {
        f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        try (BackupManager backups = f.builder().build()) {
            oldest = backups.create().backup();
            Thread.sleep(1100); // ids one second apart at least
            middle = backups.create().backup();
            Thread.sleep(1100);
            newest = backups.create().backup();
            assertThat(backups.list()).containsExactly(newest, middle, oldest);
        }
    }

    @Test
    void latestReadsOnlyTheNewestManifest() throws Exception {
        Set<String> older = Set.of(oldest.id() + ".manifest.json", middle.id() + ".manifest.json");
        FaultInjectingStorage storage = new FaultInjectingStorage(new FilesystemStorage(f.backups, false, null))
                .onlyFor(older::contains)
                .failReadAfter(0);
        try (BackupManager backups =
                f.builder().component(BackupStorage.class, storage).build()) {
            assertThat(backups.latest()).contains(newest);
            assertThat(backups.get("latest")).isEqualTo(newest);
            assertThat(storage.injectedFaults())
                    .as("no older manifest was read")
                    .isZero();
            assertThatThrownBy(backups::list)
                    .as("the fault is armed: list reads them all")
                    .isInstanceOf(UnableToStoreException.class);
        }
    }

    @Test
    void anUnreadableNewestManifestFallsBackToTheNextLikeList() throws Exception {
        Files.writeString(f.backups.resolve(newest.id() + ".manifest.json"), "{ not json");
        try (BackupManager backups = f.builder().build()) {
            assertThat(backups.latest()).contains(middle);
            assertThat(backups.list()).first().isEqualTo(middle);
        }
    }

    @Test
    void aManifestWhoseCreatedTimeLeavesItsIdsSecondIsRefused() throws Exception {
        // a year later, with a fitting checksum: it would sort first by time although its id is the oldest
        Path manifest = f.backups.resolve(oldest.id() + ".manifest.json");
        Files.write(manifest, TestManifests.sealed(oldest, oldest.created().plus(java.time.Duration.ofDays(365))));
        try (BackupManager backups = f.builder().build()) {
            assertThatThrownBy(() -> backups.get(oldest.id().value()))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining("outside the second its id names");
            assertThat(backups.latest()).contains(newest);
            assertThat(backups.list()).containsExactly(newest, middle);
        }
    }
}
