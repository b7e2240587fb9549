package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CheckResult;
import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.tck.FaultInjectingStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check()} on real parts: H2, a media folder, filesystem storage. */
class ConfigurationCheckTest {
    @TempDir
    Path tmp;

    @Test
    void aWorkingConfigurationPassesAndLeavesNothingInTheStorage() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups = f.builder().build()) {
            CheckResult result = backups.check();
            assertThat(result.checked())
                    .anySatisfy(l -> assertThat(l).startsWith("database: H2"))
                    .anySatisfy(l -> assertThat(l).startsWith("media folder: ").endsWith("readable"))
                    .anySatisfy(l -> assertThat(l).startsWith("storage: ").endsWith("writable"));
            assertThat(result.warnings()).isEmpty();
            assertThat(backups.list()).isEmpty();
        }
        try (var files = Files.list(f.backups)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("check"));
        }
    }

    @Test
    void aMediaFolderNotCreatedYetIsAWarning() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups =
                f.builder().mediaDir(tmp.resolve("not-yet")).build()) {
            assertThat(backups.check().warnings()).singleElement().asString().contains("does not exist yet");
        }
    }

    @Test
    void everyProblemIsListedInOneException() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        Path notAFolder = Files.writeString(tmp.resolve("media-file"), "x");
        FaultInjectingStorage unwritable =
                new FaultInjectingStorage(new FilesystemStorage(f.backups, false, null)).failCommit(false);
        Files.writeString(tmp.resolve("db-parent"), "a file where the database's folder should be");
        String badUrl = "jdbc:h2:file:" + tmp.resolve("db-parent/app") + ";IFEXISTS=TRUE";
        try (BackupManager backups = f.builder()
                .database(badUrl, "sa", null)
                .mediaDir(notAFolder)
                .component(BackupStorage.class, unwritable)
                .build()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(backups::check)
                    .isInstanceOfSatisfying(BackupConfigurationException.class, e -> assertThat(e.problems())
                            .satisfiesExactly(
                                    p -> assertThat(p).startsWith("database: "),
                                    p -> assertThat(p)
                                            .startsWith("media folder: ")
                                            .contains("is not a folder"),
                                    p -> assertThat(p).startsWith("storage: ").contains("cannot be written")))
                    .hasMessageStartingWith("3 problems: 1) database: ");
            assertThat(System.nanoTime() - t0).as("within seconds").isLessThan(10_000_000_000L);
        }
    }
}
