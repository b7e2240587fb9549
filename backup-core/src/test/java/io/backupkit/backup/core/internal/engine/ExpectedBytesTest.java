package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host can show a percentage: each create phase says how many bytes it expects. */
class ExpectedBytesTest {
    @TempDir
    Path tmp;

    @Test
    void theDumpExpectsTheDatabaseSizeAndTheArchiveTheMediaFilesSizes() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        long mediaBytes = 0;
        for (int i = 0; i < 20; i++) {
            Path file = f.media.resolve("sub" + (i % 3) + "/file" + i + ".bin");
            Files.createDirectories(file.getParent());
            Files.write(file, new byte[1000 * (i + 1)]);
        }
        try (var files = Files.walk(f.media)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                mediaBytes += Files.size(p);
            }
        }
        Map<Phase, Long> started = new ConcurrentHashMap<>();
        Map<Phase, Long> sized = new ConcurrentHashMap<>();
        BackupListener recorder = new BackupListener() {
            @Override
            public void phaseStarted(Phase phase, long expectedBytes) {
                started.put(phase, expectedBytes);
            }

            @Override
            public void phaseSized(Phase phase, long expectedBytes) {
                sized.put(phase, expectedBytes);
            }
        };
        try (BackupManager backups = f.builder().listener(recorder).build()) {
            backups.create();
        }
        assertThat(started.get(Phase.DATABASE_DUMP)).as("H2 database size").isPositive();
        // a small archive may be written before the estimate is in; when it is reported, it is right
        assertThat(sized.getOrDefault(Phase.MEDIA_ARCHIVE, mediaBytes)).isEqualTo(mediaBytes);

        java.util.concurrent.CompletableFuture<Long> reported = new java.util.concurrent.CompletableFuture<>();
        MediaSizeEstimate.start(
                f.media,
                java.util.List.of(),
                new BackupListener() {
                    @Override
                    public void phaseSized(Phase phase, long expectedBytes) {
                        reported.complete(expectedBytes);
                    }
                },
                () -> false);
        assertThat(reported.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(mediaBytes);
    }

    @Test
    void theEstimateSkipsTheExcludedFoldersAndStopsWhenAsked() throws Exception {
        Files.createDirectories(tmp.resolve("m/keep"));
        Files.createDirectories(tmp.resolve("m/backups"));
        Files.write(tmp.resolve("m/keep/a"), new byte[300]);
        Files.write(tmp.resolve("m/backups/b"), new byte[5000]);
        assertThat(MediaSizeEstimate.sum(tmp.resolve("m"), java.util.List.of(tmp.resolve("m/backups")), () -> false))
                .isEqualTo(300);
        assertThat(MediaSizeEstimate.sum(tmp.resolve("m"), java.util.List.of(), () -> true))
                .isEqualTo(-1);
    }

    @Test
    void onlyAListenerThatTakesSizesGetsTheEstimateWalk() {
        BackupListener warningsOnly = new BackupListener() {
            @Override
            public void warning(String message) {}
        };
        BackupListener sizes = new BackupListener() {
            @Override
            public void phaseSized(Phase phase, long expectedBytes) {}
        };
        assertThat(MediaSizeEstimate.takesSizes(BackupListener.NONE)).isFalse();
        assertThat(MediaSizeEstimate.takesSizes(LoggingListener.INSTANCE)).isFalse();
        assertThat(MediaSizeEstimate.takesSizes(warningsOnly)).isFalse();
        assertThat(MediaSizeEstimate.takesSizes(sizes)).isTrue();
        assertThat(MediaSizeEstimate.takesSizes(BackupListener.all(java.util.List.of(warningsOnly, sizes))))
                .isTrue();
    }
}
