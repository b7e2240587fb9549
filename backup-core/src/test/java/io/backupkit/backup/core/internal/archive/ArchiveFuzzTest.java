package io.backupkit.backup.core.internal.archive;

import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.archive;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.snapshot;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.MediaInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Matrix T25: a few hundred seeded mutations of a real media archive (bit flips, header fields rewritten with a
 * valid checksum, truncations, random bytes, spliced records, hostile names, sizes and types). Each either
 * extracts within the limits or fails with a {@link BackupException} subtype; none hangs, throws another type or
 * writes outside the target.
 */
class ArchiveFuzzTest {
    private static final long SEED = 20261127L;
    private static final int ITERATIONS = 300;
    private static final ExtractLimits LIMITS = new ExtractLimits(1_000, 16L << 20, 4L << 20, 512, 32);

    @TempDir
    Path tmp;

    @Test
    void t25MutatedArchivesFailCleanlyOrExtractInsideTheTarget() throws IOException {
        Path media = tmp.resolve("media");
        write(media.resolve("a.txt"), "alpha ".repeat(200));
        write(media.resolve("dir/b.txt"), "beta");
        write(media.resolve("dir/sub/" + "long-".repeat(30) + ".txt"), "long name");
        write(media.resolve("Übersicht/日本語.txt"), "unicode");
        Files.createDirectories(media.resolve("empty"));
        Files.write(media.resolve("zero.bin"), new byte[0]);
        byte[] base = archive(media);

        Path area = Files.createDirectories(tmp.resolve("fuzz"));
        Path target = area.resolve("target");
        Map<String, String> baseline = snapshot(tmp, null);
        Map<String, Integer> outcomes = new TreeMap<>();

        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Random random = new Random(SEED);
            for (int i = 0; i < ITERATIONS; i++) {
                StringBuilder what = new StringBuilder();
                byte[] tar = FuzzTars.mutate(base, random, what);
                String outcome;
                long started = System.nanoTime();
                try {
                    MediaInfo info = new MediaExtractor(LIMITS, BackupListener.NONE)
                            .extract(new ByteArrayInputStream(tar), target, "fuzz.media.tar");
                    assertThat(info.totalBytes()).isLessThanOrEqualTo(LIMITS.maxTotalBytes());
                    assertThat(info.fileCount() + info.directoryCount()).isLessThanOrEqualTo(LIMITS.maxEntries());
                    outcome = "extracted";
                } catch (BackupException e) {
                    outcome = e.getClass().getSimpleName();
                    assertThat(e.getMessage()).as("iteration %d (%s)", i, what).isNotBlank();
                    assertThat(Files.exists(target))
                            .as("iteration %d (%s): target removed", i, what)
                            .isFalse();
                } catch (Throwable t) {
                    throw new AssertionError(
                            "iteration " + i + " (" + what + ", seed " + SEED + ") threw "
                                    + t.getClass().getName() + " instead of a BackupException",
                            t);
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertThat(millis)
                        .as("iteration %d (%s) took too long", i, what)
                        .isLessThan(10_000);
                outcomes.merge(outcome, 1, Integer::sum);
                removeTree(target);
                Map<String, String> now = snapshot(tmp, null);
                if (!now.equals(baseline)) {
                    fail("iteration " + i + " (" + what + ", seed " + SEED + ") wrote outside the target: " + now);
                }
            }
        });
        // the mutations reach the interesting paths, not only one kind of failure
        assertThat(outcomes).containsKeys("extracted", "CorruptBackupException", "UnsafeArchiveException");
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(ITERATIONS);
    }

    private static void removeTree(Path root) throws IOException {
        FileTrees.delete(root);
    }
}
