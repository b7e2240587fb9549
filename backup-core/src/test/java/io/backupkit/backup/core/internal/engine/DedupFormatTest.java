package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.PruneResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import io.backupkit.backup.tck.fixtures.DedupChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dedup format on filesystem storage with a real H2 database: round trips, sharing, prune, damage. */
class DedupFormatTest {
    @TempDir
    Path tmp;

    private BackupManager.Builder dedup(EngineFixture f) {
        return f.builder().format(BackupFormat.DEDUP);
    }

    @Test
    void roundTripRestoresExactlyAndMarksTheFormat() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        Files.createSymbolicLink(f.media.resolve("link-to-report"), Path.of("attachments/2026/report.pdf"));
        String db = f.databaseState();
        Map<String, String> media = f.mediaState();
        try (BackupManager backups = dedup(f).build()) {
            BackupInfo info = backups.create().backup();
            assertThat(info.attributes()).containsEntry("format", "dedup");
            assertThat(info.artifacts().get(0).name()).contains(".chunks");
            assertThat(info.artifacts().get(1).name()).contains(".media.tree");
            assertThat(Files.exists(f.backups.resolve("dedup-config.json"))).isTrue();
            assertThat(backups.list()).extracting(BackupInfo::id).containsExactly(info.id());
            assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).problems())
                    .isEmpty();

            f.sql("CREATE TABLE later (id INT)", "DELETE FROM part WHERE name = 'nulls'");
            f.write("attachments/new-file.bin", 100, 9);
            Files.delete(f.media.resolve("empty.txt"));
            Files.writeString(f.media.resolve("bin/run.sh"), "changed");

            backups.restore(RestoreOptions.of(info.id().value()));
            assertThat(f.databaseState()).isEqualTo(db);
            assertThat(f.mediaState()).isEqualTo(media);
            assertThat(Files.readSymbolicLink(f.media.resolve("link-to-report")))
                    .isEqualTo(Path.of("attachments/2026/report.pdf"));
            try (var spool = Files.list(f.spool)) {
                assertThat(spool).isEmpty();
            }
        }
    }

    @Test
    void aSecondBackupStoresOnlyWhatChanged() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        for (int i = 0; i < 8; i++) {
            f.write("big/file-" + i + ".bin", 1_500_000, 100 + i);
        }
        try (BackupManager backups = dedup(f).build()) {
            backups.create();
            long first = stored(f.backups);
            f.write("big/file-3.bin", 1_500_000, 999); // one file rewritten
            f.write("small.txt", 50, 1);
            BackupInfo second = backups.create().backup();
            long added = stored(f.backups) - first;
            // the rewritten file (1.5 MB, incompressible), a few small objects; not the other 10.5 MB
            assertThat(added).isLessThan(1_500_000 + 400_000).isGreaterThan(1_400_000);
            Map<String, String> media = f.mediaState();
            String db = f.databaseState();
            f.write("big/file-5.bin", 10, 5);
            backups.restore(RestoreOptions.of(second.id().value()).withSafetyBackup(false));
            assertThat(f.mediaState()).isEqualTo(media);
            assertThat(f.databaseState()).isEqualTo(db);
        }
    }

    @Test
    void pruneKeepsWhatARemainingBackupNeedsAndFreesTheRest() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        for (int i = 0; i < 4; i++) {
            f.write("big/file-" + i + ".bin", 2_000_000, 200 + i);
        }
        try (BackupManager backups = dedup(f).build()) {
            BackupInfo first = backups.create().backup();
            Map<String, String> firstMedia = f.mediaState();
            String firstDb = f.databaseState();
            for (int i = 0; i < 3; i++) {
                f.write("big/file-" + i + ".bin", 2_000_000, 300 + i); // most of the media replaced
            }
            f.sql("INSERT INTO part (name, price) VALUES ('second', 2)");
            Thread.sleep(1100); // another second: retention orders by time
            BackupInfo second = backups.create().backup();
            Map<String, String> secondMedia = f.mediaState();
            String secondDb = f.databaseState();

            // the first backup restores after the second exists
            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            assertThat(f.mediaState()).isEqualTo(firstMedia);
            assertThat(f.databaseState()).isEqualTo(firstDb);

            long before = stored(f.backups);
            PruneResult pruned = backups.prune(
                    RetentionPolicy.builder()
                            .keepLast(1)
                            .leftoverGrace(Duration.ZERO)
                            .build(),
                    PruneMode.APPLY);
            assertThat(pruned.deleted()).extracting(BackupInfo::id).containsExactly(first.id());
            long freed = before - stored(f.backups);
            // the first pack is mostly unused now: repacked, the replaced files' 6 MB freed
            assertThat(freed).as("the replaced files' chunks are gone").isGreaterThan(5_500_000);
            assertThat(pruned.leftovers()).anySatisfy(n -> assertThat(n).startsWith("dedup-pack-"));

            assertThat(backups.verify(second.id().value(), VerifyMode.DEEP).problems())
                    .isEmpty();
            backups.restore(RestoreOptions.of(second.id().value()).withSafetyBackup(false));
            assertThat(f.mediaState()).isEqualTo(secondMedia);
            assertThat(f.databaseState()).isEqualTo(secondDb);
        }
    }

    @Test
    void aFlippedByteInAPackIsFoundByDeepVerifyAndRefusedByRestore() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        try (BackupManager backups = dedup(f).build()) {
            BackupInfo info = backups.create().backup();
            assertThat(backups.verify(info.id().value(), VerifyMode.QUICK).ok()).isTrue();
            DedupChecks.flipInEveryPack(f.backups);
            VerifyResult deep = backups.verify(info.id().value(), VerifyMode.DEEP);
            assertThat(deep.ok()).isFalse();
            assertThat(deep.problems()).anySatisfy(p -> assertThat(p).contains("dedup-pack-"));

            f.write("after.txt", 10, 1);
            Map<String, String> media = f.mediaState();
            String db = f.databaseState();
            assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining("nothing was changed");
            assertThat(f.mediaState()).isEqualTo(media);
            assertThat(f.databaseState()).isEqualTo(db);
            assertThat(backups.list()).hasSize(1); // no safety backup of a refused restore
        }
    }

    @Test
    void aFlippedByteInAChunkOfTheStreamedDumpFailsTheRestoreAndChangesNothing() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        try (BackupManager backups = dedup(f).build()) {
            BackupInfo info = backups.create().backup(); // no media yet: the packs hold the dump's chunks only
            DedupChecks.flipInEveryPack(f.backups);
            f.createMedia();
            f.sql("CREATE TABLE later (id INT)", "DELETE FROM part WHERE name = 'nulls'");
            Map<String, String> media = f.mediaState();
            String db = f.databaseState();
            DedupChecks.assertRestoreRefused(backups, info, () -> f.assertUnchanged(db, media));
            try (var spool = Files.list(f.spool)) {
                assertThat(spool).isEmpty();
            }
        }
    }

    @Test
    void aMissingPackIsReportedAndTheRestoreRefusedBeforeAnythingChanges() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        try (BackupManager backups = dedup(f).build()) {
            BackupInfo info = backups.create().backup();
            for (Path pack : packs(f.backups)) {
                Files.delete(pack);
            }
            assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).problems())
                    .anySatisfy(p -> assertThat(p).contains("is missing"));
            f.write("after.txt", 10, 1);
            Map<String, String> media = f.mediaState();
            assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining("nothing was changed");
            assertThat(f.mediaState()).isEqualTo(media);
        }
    }

    @Test
    void twoCreatesAtOnceRunOneAtATime() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        f.write("big.bin", 3_000_000, 77);
        try (BackupManager a = dedup(f).build();
                BackupManager b = dedup(f).build()) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var fa = pool.submit(() -> a.create());
                var fb = pool.submit(() -> b.create());
                int ok = 0;
                for (var future : List.of(fa, fb)) {
                    try {
                        future.get();
                        ok++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(io.backupkit.backup.BackupInProgressException.class);
                    }
                }
                assertThat(ok).isPositive();
            } finally {
                pool.shutdownNow();
            }
            for (BackupInfo info : a.list()) {
                assertThat(a.verify(info.id().value(), VerifyMode.DEEP).problems())
                        .isEmpty();
            }
        }
    }

    @Test
    void aRepositoryOfANewerFormatVersionIsRefused() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createMedia();
        try (BackupManager backups =
                mediaOnly(f, f.backups).format(BackupFormat.DEDUP).build()) {
            backups.create();
            Path config = f.backups.resolve("dedup-config.json");
            Files.writeString(config, Files.readString(config).replaceAll("\"version\" : 1", "\"version\" : 2"));
            assertThatThrownBy(backups::create)
                    .isInstanceOf(io.backupkit.backup.IncompatibleBackupException.class)
                    .hasMessageContaining("version 2");
        }
    }

    @Test
    void roundTripOnAStorageWithoutLocalFiles() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        String db = f.databaseState();
        Map<String, String> media = f.mediaState();
        try (BackupManager backups = dedup(f).storage("memory", "dedup-" + System.nanoTime(), Map.of())
                .build()) {
            BackupInfo first = backups.create().backup();
            f.write("attachments/new-file.bin", 100_000, 9);
            BackupInfo second = backups.create().backup();
            assertThat(backups.verify(second.id().value(), VerifyMode.DEEP).ok())
                    .isTrue();
            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            assertThat(f.databaseState()).isEqualTo(db);
            assertThat(f.mediaState()).isEqualTo(media);
        }
    }

    @Test
    void aLocationHoldsOneFormatAndSaysSo() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createMedia();
        try (BackupManager backups =
                mediaOnly(f, f.backups).format(BackupFormat.DEDUP).build()) {
            backups.create();
        }
        try (BackupManager archive = mediaOnly(f, f.backups).build()) {
            assertThatThrownBy(archive::create)
                    .isInstanceOf(BackupConfigurationException.class)
                    .hasMessageContaining("dedup format");
        }
        Path other = tmp.resolve("archive-backups");
        try (BackupManager archive = mediaOnly(f, other).build()) {
            archive.create();
        }
        try (BackupManager backups =
                mediaOnly(f, other).format(BackupFormat.DEDUP).build()) {
            assertThatThrownBy(backups::create)
                    .isInstanceOf(BackupConfigurationException.class)
                    .hasMessageContaining("archive format");
        }
    }

    private static BackupManager.Builder mediaOnly(EngineFixture f, Path location) {
        return BackupManager.builder()
                .storage("filesystem", location.toString(), Map.of())
                .mediaDir(f.media)
                .spoolDir(f.spool);
    }

    static long stored(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            long sum = 0;
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith("backup.lease")) {
                    sum += Files.size(p);
                }
            }
            return sum;
        }
    }

    static List<Path> packs(Path dir) throws IOException {
        return DedupChecks.packs(dir);
    }
}
