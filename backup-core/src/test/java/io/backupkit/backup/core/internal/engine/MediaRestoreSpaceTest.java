package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.UnableToRestoreMediaException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A media restore onto a file system without room for the restored copy fails before the swap, with the
 * live folder as it was, nothing left behind and a message that says what to free. The media folder lives
 * on a small tmpfs mounted for the test (the tests run as root; where mounting is not permitted they skip).
 */
class MediaRestoreSpaceTest {
    @TempDir
    Path tmp;

    Path mount;
    Path media;

    @BeforeEach
    void smallFileSystem() throws Exception {
        mount = Files.createDirectories(tmp.resolve("small-fs"));
        Result r = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString());
        assumeTrue(r.exit() == 0, "mounting a tmpfs is not permitted here: " + r.output());
        media = Files.createDirectories(mount.resolve("media"));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void aRestoreLargerThanTheFreeSpaceIsRefusedBeforeAnythingChanges() throws Exception {
        byte[] data = new byte[1536 << 10];
        new Random(1).nextBytes(data);
        Files.write(media.resolve("a.bin"), data);
        Files.write(media.resolve("b.bin"), data);
        try (BackupManager backups = manager()) {
            String id = backups.create().id().value();
            Files.writeString(media.resolve("a.bin"), "changed after the backup");
            Map<String, String> before = state(media);

            assertThatThrownBy(() -> backups.restore(RestoreOptions.of(id).withSafetyBackup(false)))
                    .isInstanceOf(UnableToRestoreMediaException.class)
                    .hasMessageContaining("not enough space")
                    .hasMessageContaining(mount.toString())
                    .hasMessageContaining("Nothing was changed");
            assertThat(state(media)).isEqualTo(before);
            assertThat(leftovers()).isEmpty();
        }
    }

    @Test
    void aFileSystemThatFillsUpDuringTheExtractionFailsCleanlyBeforeTheSwap() throws Exception {
        // 700 small files: a few KiB of content, which the space check counts, but a page each on tmpfs
        for (int i = 0; i < 700; i++) {
            Files.writeString(media.resolve(String.format("f%04d.txt", i)), "file " + i);
        }
        try (BackupManager backups = manager()) {
            String id = backups.create().id().value();
            Files.writeString(media.resolve("f0000.txt"), "changed after the backup");
            Map<String, String> before = state(media);

            assertThatThrownBy(() -> backups.restore(RestoreOptions.of(id).withSafetyBackup(false)))
                    .isInstanceOf(UnableToRestoreMediaException.class)
                    .hasMessageContaining("Not enough space")
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining("free space on that file system and retry");
            assertThat(state(media)).isEqualTo(before);
            assertThat(leftovers()).isEmpty();
        }
    }

    private BackupManager manager() {
        return BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                .mediaDir(media)
                .spoolDir(tmp.resolve("spool"))
                .hostApplication("test-app", "1.0.0")
                .listener(BackupListener.NONE)
                .build();
    }

    /** Whatever is on the small file system besides the media folder and its lock file (staging, old folders). */
    private List<Path> leftovers() throws Exception {
        try (Stream<Path> s = Files.list(mount)) {
            return s.filter(p -> !p.equals(media) && !p.getFileName().toString().equals(".media.lock"))
                    .toList();
        }
    }

    private static Map<String, String> state(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                out.put(
                        dir.relativize(p).toString(),
                        Files.isRegularFile(p)
                                ? Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p)))
                                : "dir");
            }
        }
        return out;
    }

    private record Result(int exit, String output) {}

    private static Result run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
