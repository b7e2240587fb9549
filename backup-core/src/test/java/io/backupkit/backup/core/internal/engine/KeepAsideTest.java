package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.RollbackOptions;
import io.backupkit.backup.RollbackResult;
import io.backupkit.backup.RollbackWouldLoseDataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a keep-aside restore keeps (H2 rollback script, old media folder) lives until the next
 * restore, a rollback, or a prune once older than seven days; a restore with another safety drops it.
 */
class KeepAsideTest {
    @TempDir
    Path tmp;

    private List<String> beside() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void aPruneAfterSevenDaysDropsWhatWasKeptAsideNotBefore() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        BackupInfo backup;
        try (BackupManager backups =
                f.builder().clock(Clock.fixed(t0, ZoneOffset.UTC)).build()) {
            backup = backups.create().backup();
            f.write("after.txt", 10, 1);
            backups.restore(RestoreOptions.of(backup.id()));
            assertThat(backups.keptAside())
                    .hasValueSatisfying(k -> assertThat(k.since()).isEqualTo(t0));
        }
        RetentionPolicy keepAll = RetentionPolicy.keepLast(10);
        try (BackupManager sixDays = f.builder()
                .clock(Clock.fixed(t0.plus(Duration.ofDays(6)), ZoneOffset.UTC))
                .build()) {
            sixDays.prune(keepAll, PruneMode.APPLY);
            assertThat(sixDays.keptAside()).isPresent();
        }
        try (BackupManager eightDays = f.builder()
                .clock(Clock.fixed(t0.plus(Duration.ofDays(8)), ZoneOffset.UTC))
                .build()) {
            PruneResult dry = eightDays.prune(keepAll, PruneMode.DRY_RUN);
            assertThat(dry.leftovers()).anyMatch(l -> l.contains("kept aside"));
            assertThat(eightDays.keptAside()).isPresent();
            eightDays.prune(keepAll, PruneMode.APPLY);
            assertThat(eightDays.keptAside()).isEmpty();
            assertThat(eightDays.list()).extracting(BackupInfo::id).containsExactly(backup.id());
        }
        assertThat(beside()).containsExactly(".media.lock");
    }

    @Test
    void aRestoreWithAnotherSafetyDropsWhatAnEarlierOneKept() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups = f.builder().build()) {
            BackupInfo backup = backups.create().backup();
            backups.restore(RestoreOptions.of(backup.id()));
            assertThat(beside()).anyMatch(n -> n.startsWith(".media.old-"));
            backups.restore(RestoreOptions.of(backup.id()).withSafety(RestoreOptions.Safety.NONE));
            assertThat(backups.keptAside()).isEmpty();
            assertThat(beside()).containsExactly(".media.lock");
        }
    }

    @Test
    void aMediaOnlyManagerKeepsTheOldMediaFolderAndRollsItBack() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createMedia();
        try (BackupManager backups = f.mediaOnlyBuilder().build()) {
            BackupInfo backup = backups.create().backup();
            Map<String, String> original = f.mediaState();
            f.write("after.txt", 10, 1);
            Map<String, String> changed = f.mediaState();
            backups.restore(RestoreOptions.of(backup.id()));
            assertThat(f.mediaState()).isEqualTo(original);
            assertThat(backups.keptAside()).hasValueSatisfying(k -> assertThat(k.media() && !k.database())
                    .isTrue());
            backups.rollback(io.backupkit.backup.RollbackOptions.defaults());
            assertThat(f.mediaState()).isEqualTo(changed);
            assertThat(beside()).containsExactly(".media.lock");
        }
    }

    @Test
    void aRollbackAfterTheHostWroteIsRefusedNamingWhatWouldBeLostAndGoesAheadWhenForced() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BackupManager backups = f.builder()
                .listener(new io.backupkit.backup.BackupListener() {
                    @Override
                    public void warning(String message) {
                        warnings.add(message);
                    }
                })
                .build()) {
            BackupInfo backup = backups.create().backup();
            String before = f.databaseState();
            backups.restore(RestoreOptions.of(backup.id()));
            assertThat(backups.keptAside())
                    .hasValueSatisfying(k -> assertThat(k.writesTracked()).isTrue());

            f.sql("INSERT INTO part (name, price) VALUES ('written after the restore', 1)");
            String written = f.databaseState();
            Map<String, String> media = f.mediaState();
            assertThatThrownBy(() -> backups.rollback(RollbackOptions.defaults()))
                    .isInstanceOf(RollbackWouldLoseDataException.class)
                    .hasMessageContaining("would lose what was written since")
                    .hasMessageContaining("the database: its content differs")
                    .hasMessageContaining("RollbackOptions.forcing()")
                    .satisfies(e -> assertThat(((RollbackWouldLoseDataException) e).lost())
                            .hasSize(1));
            assertThat(f.databaseState()).isEqualTo(written);
            assertThat(f.mediaState()).isEqualTo(media);
            assertThat(backups.keptAside()).isPresent();
            warnings.clear();

            RollbackResult forced = backups.rollback(RollbackOptions.defaults().forcing());

            assertThat(forced.warnings()).singleElement().asString().contains("the database: its content differs");
            assertThat(warnings).singleElement().asString().contains("its content differs");
            assertThat(f.databaseState()).isEqualTo(before);
            assertThat(backups.keptAside()).isEmpty();
        }
    }

    @Test
    void aRollbackWithoutWritesSinceGoesAheadAndLosesNothing() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups = f.builder().build()) {
            BackupInfo backup = backups.create().backup();
            f.sql("INSERT INTO part (name, price) VALUES ('before the restore', 1)");
            String changed = f.databaseState();
            backups.restore(RestoreOptions.of(backup.id()));
            assertThat(backups.rollback(RollbackOptions.defaults()).warnings()).isEmpty();
            assertThat(f.databaseState()).isEqualTo(changed);
        }
    }

    @Test
    void aFileAddedToTheMediaFolderAfterTheRestoreRefusesTheRollback() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createMedia();
        try (BackupManager backups = f.mediaOnlyBuilder().build()) {
            BackupInfo backup = backups.create().backup();
            backups.restore(RestoreOptions.of(backup.id()));
            Thread.sleep(20); // past the file system's clock tick of the swap
            f.write("uploads/after-restore.bin", 10, 3);
            Map<String, String> media = f.mediaState();
            assertThatThrownBy(() -> backups.rollback(RollbackOptions.defaults()))
                    .isInstanceOf(RollbackWouldLoseDataException.class)
                    .hasMessageContaining("the media folder: ")
                    .hasMessageContaining("uploads/after-restore.bin");
            assertThat(f.mediaState()).isEqualTo(media);

            RollbackResult forced = backups.rollback(RollbackOptions.defaults().forcing());
            assertThat(forced.warnings()).singleElement().asString().contains("uploads/after-restore.bin");
            assertThat(f.media.resolve("uploads/after-restore.bin")).doesNotExist();
        }
    }

    @Test
    void howLongPruneKeepsItIsASetting() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createMedia();
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        BackupManager.Builder media = BackupManager.builder()
                .storage("filesystem", f.backups.toString(), Map.of())
                .mediaDir(f.media)
                .spoolDir(f.spool);
        try (BackupManager backups =
                media.clock(Clock.fixed(t0, ZoneOffset.UTC)).build()) {
            backups.restore(RestoreOptions.of(backups.create().backup().id()));
        }
        RetentionPolicy keepAll = RetentionPolicy.keepLast(10);
        try (BackupManager threeDays = media.clock(Clock.fixed(t0.plus(Duration.ofDays(3)), ZoneOffset.UTC))
                .build()) {
            threeDays.prune(keepAll, PruneMode.APPLY);
            assertThat(threeDays.keptAside()).isPresent();
        }
        try (BackupManager threeDaysOfTwo = media.clock(Clock.fixed(t0.plus(Duration.ofDays(3)), ZoneOffset.UTC))
                .keepAsideFor(Duration.ofDays(2))
                .build()) {
            threeDaysOfTwo.prune(keepAll, PruneMode.APPLY);
            assertThat(threeDaysOfTwo.keptAside()).isEmpty();
        }
        BackupManager.Builder fromEnv = io.backupkit.backup.core.config.BackupConfigLoader.create()
                .env(Map.of(
                        "BACKUP_DIR", f.backups.toString(),
                        "BACKUP_MEDIA_DIR", f.media.toString(),
                        "BACKUP_KEEP_ASIDE_DAYS", "2"))
                .load()
                .toBuilder();
        try (BackupManager m = fromEnv.build()) {
            assertThat(EngineSettings.of(m).keepAsideFor()).isEqualTo(Duration.ofDays(2));
        }
        assertThatThrownBy(() -> io.backupkit.backup.core.config.BackupConfigLoader.create()
                        .env(Map.of("BACKUP_DIR", f.backups.toString(), "BACKUP_KEEP_ASIDE_DAYS", "a week"))
                        .load())
                .hasMessageContaining("BACKUP_KEEP_ASIDE_DAYS")
                .hasMessageContaining("whole number of days");
    }
}
