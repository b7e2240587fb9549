package io.backupkit.backup.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.UnsafeArchiveException;
import io.backupkit.backup.core.fuzz.Bounded;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;

/**
 * Matrix T25, coverage-guided with Jazzer: hostile tar input to {@link MediaExtractor}. Whatever the
 * bytes, the extraction into a fresh target folder either succeeds with only regular files and
 * folders strictly inside the target (the counts it reports are what is on disk) or fails with
 * {@link CorruptBackupException} or {@link UnsafeArchiveException} naming the artifact and leaves no
 * target behind; nothing beside the target changes (a sibling whose name extends the target's and a
 * file next to it are bait); each input takes under 10 s and allocates under 32 MiB.
 *
 * <p>A header checksum is out of reach of byte mutations, so for inputs of even length the
 * checksum of every 512-byte record with a ustar magic is recomputed first (the mutations then reach
 * the checks behind it); inputs of odd length are extracted as they are.
 *
 * <p>{@code mvn verify} (no {@code JAZZER_FUZZ}) runs the inputs in {@code
 * src/test/resources/io/backupkit/backup/core/internal/archive/ArchiveFuzzTargetsInputs/extractHostileTar/}:
 * archives written by {@link MediaArchiver} and every finding committed as a regression input. The
 * {@code fuzz} profile of backup-core's pom (active unless {@code -Dtest} is given) then fuzzes for
 * {@code maxDuration}. A longer session, e.g. 15 minutes (the last {@code -max_total_time} wins):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl backup-core -am test -Dtest=ArchiveFuzzTargets -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time=900
 * </pre>
 *
 * A finding is written as {@code crash-<sha1>} into that inputs folder (so it is replayed by every
 * later {@code mvn verify} once committed) and the generated corpus into {@code
 * backup-core/.cifuzz-corpus/}.
 */
class ArchiveFuzzTargets {
    private static final ExtractLimits LIMITS = new ExtractLimits(200, 4L << 20, 1L << 20, 512, 32);
    private static final Bounded BOUNDS = new Bounded(Duration.ofSeconds(10), 32L << 20);
    private static final String ARTIFACT = "fuzz-20261127T000000Z-abcd.media.tar";

    private static Path area;
    private static Path target;
    private static Map<String, String> baseline;

    private static synchronized void createArea() throws IOException {
        if (area != null) {
            return;
        }
        area = Files.createTempDirectory("archive-fuzz");
        target = area.resolve("target");
        // bait beside the target: a sibling whose name extends the target's, and a file
        ArchiveTestSupport.write(area.resolve("target-evil/keep.txt"), "keep");
        ArchiveTestSupport.write(area.resolve("outside.txt"), "outside");
        baseline = ArchiveTestSupport.snapshot(area, null);
        Path created = area;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> removeTree(created)));
    }

    @FuzzTest(maxDuration = "50s")
    void extractHostileTar(byte[] input) throws Exception {
        createArea();
        byte[] tar = input.length % 2 == 0 ? withHeaderChecksumsFixed(input) : input;
        Bounded.Outcome<MediaInfo> outcome;
        try {
            outcome = BOUNDS.check(
                    () -> new MediaExtractor(LIMITS, BackupListener.NONE)
                            .extract(new ByteArrayInputStream(tar), target, ARTIFACT),
                    () -> removeTree(target));
            if (outcome.thrown() == null) {
                checkExtractedInside(outcome.value());
            } else {
                Throwable t = outcome.thrown();
                boolean expected = t instanceof CorruptBackupException
                        || t instanceof UnsafeArchiveException
                        // a JVM whose file names are not UTF-8 cannot create some valid names
                        || (t instanceof UnableToRestoreMediaException && !FileNameEncoding.isUtf8());
                if (!expected) {
                    throw new AssertionError(
                            "threw " + t.getClass().getName() + " instead of"
                                    + " CorruptBackupException/UnsafeArchiveException: " + t,
                            t);
                }
                assertThat(t.getMessage()).contains(ARTIFACT);
                assertThat(target).as("a failed extraction leaves no target").doesNotExist();
            }
            assertThat(ArchiveTestSupport.snapshot(area, target))
                    .as("nothing beside the target changed")
                    .isEqualTo(baseline);
        } finally {
            removeTree(target);
        }
    }

    /** The input with the checksum of each record that has a ustar magic recomputed. */
    static byte[] withHeaderChecksumsFixed(byte[] input) {
        byte[] tar = input.clone();
        for (int off : FuzzTars.headers(tar)) {
            FuzzTars.fixChecksum(tar, off);
        }
        return tar;
    }

    /**
     * Only files, folders, links and FIFOs, inside the target (links are not followed), and what the result
     * reports is what is there.
     */
    private static void checkExtractedInside(MediaInfo info) throws IOException {
        long[] found = new long[3]; // files, folders, bytes
        java.util.Set<Object> inodes = new java.util.HashSet<>();
        Path real = target.toRealPath();
        Files.walkFileTree(target, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                assertThat(dir.toRealPath(LinkOption.NOFOLLOW_LINKS).startsWith(real))
                        .as("%s inside the target", dir)
                        .isTrue();
                if (!dir.equals(target)) {
                    found[1]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                int type = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
                assertThat(type)
                        .as("%s is a file, a link or a FIFO (not a device)", file)
                        .isIn(0100000, 0120000, 010000);
                found[0]++;
                if (attrs.isRegularFile() && inodes.add(attrs.fileKey())) {
                    found[2] += attrs.size(); // hard links share their bytes
                }
                return FileVisitResult.CONTINUE;
            }
        });
        assertThat(info.fileCount()).as("files reported").isEqualTo(found[0]);
        // a file entry right after one of the same name replaces it; both were read
        assertThat(info.totalBytes()).as("bytes reported").isGreaterThanOrEqualTo(found[2]);
        // a folder created only as the parent of a file is not counted
        assertThat(info.directoryCount()).as("folders reported").isLessThanOrEqualTo(found[1]);
        assertThat(info.fileCount() + info.directoryCount()).isLessThanOrEqualTo(LIMITS.maxEntries());
        assertThat(info.totalBytes()).isLessThanOrEqualTo(LIMITS.maxTotalBytes());
    }

    private static void removeTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
