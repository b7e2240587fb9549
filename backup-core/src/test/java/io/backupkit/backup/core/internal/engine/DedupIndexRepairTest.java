package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.core.internal.manifest.ObjectNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost or damaged dedup index: restores still read the chunks through the packs' own tables, deep
 * verify names what disagrees, and the next backup or prune (under the lease) writes the index again
 * from the packs and says so once; no backup is lost and nothing is stored twice.
 */
class DedupIndexRepairTest {
    @TempDir
    Path tmp;

    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private BackupManager open(EngineFixture f) {
        return open(f.builder());
    }

    private BackupManager open(BackupManager.Builder builder) {
        return builder.format(BackupFormat.DEDUP)
                .listener(new BackupListener() {
                    @Override
                    public void warning(String message) {
                        warnings.add(message);
                    }
                })
                .build();
    }

    @Test
    void lostIndexObjectsAreRebuiltFromThePacksByTheNextBackup() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        for (int i = 0; i < 4; i++) {
            f.write("big/file-" + i + ".bin", 1_000_000, 10 + i);
        }
        try (BackupManager backups = open(f)) {
            BackupInfo first = backups.create().backup();
            String firstDb = f.databaseState();
            Map<String, String> firstMedia = f.mediaState();
            f.sql("INSERT INTO part (name, price) VALUES ('second', 2)");
            f.write("big/file-1.bin", 1_000_000, 99);
            BackupInfo second = backups.create().backup();
            String secondDb = f.databaseState();
            Map<String, String> secondMedia = f.mediaState();
            long stored = DedupFormatTest.stored(f.backups);
            for (Path index : objects(f.backups, "dedup-index-")) {
                Files.delete(index);
            }

            assertThat(backups.verify(second.id().value(), VerifyMode.DEEP).problems())
                    .singleElement()
                    .satisfies(p -> assertThat(p).contains("chunks that no index object names"));
            // a restore reads the chunks through the packs' tables before anything rebuilt the index
            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            f.assertUnchanged(firstDb, firstMedia);
            assertThat(objects(f.backups, "dedup-index-")).isEmpty();

            f.write("small.txt", 50, 1);
            warnings.clear();
            BackupInfo third = backups.create().backup();
            assertThat(warnings.stream().filter(w -> w.contains("rebuilt from the packs")))
                    .singleElement()
                    .satisfies(w ->
                            assertThat(w).contains("no index object is left").contains("no backup was lost"));
            assertThat(DedupFormatTest.stored(f.backups) - stored)
                    .as("the third backup found every chunk stored before through the rebuilt index")
                    .isLessThan(stored / 10);
            assertThat(objects(f.backups, "dedup-index-")).hasSize(2); // the rebuilt one and the third's

            warnings.clear();
            backups.create();
            assertThat(warnings).noneMatch(w -> w.contains("rebuilt"));
            verifiedDeep(backups, first, second, third);
            backups.restore(RestoreOptions.of(second.id().value()).withSafetyBackup(false));
            f.assertUnchanged(secondDb, secondMedia);
        }
    }

    @Test
    void aDamagedIndexObjectIsReplacedByPruneAndNoBackupIsLost() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        try (BackupManager backups = open(f)) {
            BackupInfo first = backups.create().backup();
            String firstDb = f.databaseState();
            Map<String, String> firstMedia = f.mediaState();
            Path damaged = objects(f.backups, "dedup-index-").get(0);
            f.write("attachments/new.bin", 300_000, 5);
            BackupInfo second = backups.create().backup();
            byte[] whole = Files.readAllBytes(damaged);
            Files.write(damaged, java.util.Arrays.copyOf(whole, whole.length / 2));

            assertThat(backups.verify(first.id().value(), VerifyMode.DEEP).problems())
                    .anySatisfy(p -> assertThat(p)
                            .contains(damaged.getFileName().toString())
                            .contains("rebuilds the index from the packs"));

            warnings.clear();
            backups.prune(
                    RetentionPolicy.builder()
                            .keepLast(5)
                            .leftoverGrace(Duration.ZERO)
                            .build(),
                    PruneMode.APPLY);
            assertThat(warnings.stream().filter(w -> w.contains("rebuilt from the packs")))
                    .singleElement()
                    .satisfies(w -> assertThat(w).contains(damaged.getFileName().toString()));
            assertThat(damaged).doesNotExist();
            assertThat(backups.list()).hasSize(2);
            verifiedDeep(backups, first, second);
            f.write("after.txt", 10, 1);
            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            f.assertUnchanged(firstDb, firstMedia);
        }
    }

    @Test
    void packsOfAnInterruptedBackupAreIndexedAgainAndPrunedOnlyAfterTheGracePeriod() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createMedia();
        try (BackupManager backups = open(f.builder().noDatabase())) {
            backups.create();
            Path firstIndex = objects(f.backups, "dedup-index-").get(0);
            f.write("attachments/orphan.bin", 400_000, 6);
            BackupInfo interrupted = backups.create().backup();
            // what a backup killed after its packs leaves: packs no index object names, no manifest
            for (Path index : objects(f.backups, "dedup-index-")) {
                if (!index.equals(firstIndex)) {
                    Files.delete(index);
                }
            }
            Files.delete(f.backups.resolve(ObjectNames.manifest(interrupted.id())));
            assertThat(DedupFormatTest.packs(f.backups)).hasSize(2);
            assertThat(backups.verify("latest", VerifyMode.DEEP).problems())
                    .as("packs no backup uses are no finding of a backup")
                    .isEmpty();

            warnings.clear();
            backups.prune(RetentionPolicy.keepLast(5), PruneMode.APPLY);
            assertThat(warnings.stream().filter(w -> w.contains("rebuilt from the packs")))
                    .singleElement()
                    .satisfies(w -> assertThat(w).contains("interrupted backup"));
            assertThat(DedupFormatTest.packs(f.backups))
                    .as("kept within the grace period")
                    .hasSize(2);

            warnings.clear();
            backups.prune(
                    RetentionPolicy.builder()
                            .keepLast(5)
                            .leftoverGrace(Duration.ZERO)
                            .build(),
                    PruneMode.APPLY);
            assertThat(warnings).noneMatch(w -> w.contains("rebuilt"));
            assertThat(DedupFormatTest.packs(f.backups)).hasSize(1);
            assertThat(backups.list()).hasSize(1);
            assertThat(backups.verify("latest", VerifyMode.DEEP).problems()).isEmpty();
        }
    }

    static List<Path> objects(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted()
                    .toList();
        }
    }

    private static void verifiedDeep(BackupManager backups, BackupInfo... list) {
        for (BackupInfo b : list) {
            assertThat(backups.verify(b.id().value(), VerifyMode.DEEP).problems())
                    .as("deep verify of %s", b.id())
                    .isEmpty();
        }
    }
}
