package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dedup restore gives back the media folder exactly as an archive restore does, entry by entry. */
class DedupFidelityTest {
    @TempDir
    Path tmp;

    @Test
    void dedupAndArchiveRestoresOfAHardMediaFolderAreTheSame() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createDatabase();
        hardMedia(f.media);
        Map<String, String> original = state(f.media);

        BackupManager.Builder archiveBuilder =
                f.builder().storage("filesystem", tmp.resolve("archive").toString(), Map.of());
        BackupManager.Builder dedupBuilder = f.builder()
                .storage("filesystem", tmp.resolve("dedup").toString(), Map.of())
                .format(BackupFormat.DEDUP);
        try (BackupManager archive = archiveBuilder.build();
                BackupManager dedup = dedupBuilder.build()) {
            String archived = archive.create().backup().id().value();
            String deduped = dedup.create().backup().id().value();

            f.write("after.txt", 10, 1);
            archive.restore(RestoreOptions.of(archived).withSafetyBackup(false));
            Map<String, String> fromArchive = state(f.media);
            f.write("after.txt", 10, 1);
            dedup.restore(RestoreOptions.of(deduped).withSafetyBackup(false));
            Map<String, String> fromDedup = state(f.media);

            assertThat(fromDedup).isEqualTo(fromArchive);
            // both as the original, but for what a restore leaves out by design: setuid/setgid as root,
            // a symbolic link's time below the microsecond (the JDK sets it with lutimes)
            for (String path : List.of("a.txt", "big.bin", "sticky", "empty/deeper", "hard/two", "tab\tand\nnewline")) {
                assertThat(fromDedup.get(path)).as(path).isEqualTo(original.get(path));
            }
        }
    }

    /** Nanosecond mtimes everywhere, special mode bits, links of all kinds, odd names, empty folders. */
    private static void hardMedia(Path media) throws IOException {
        long s = 1_700_000_000L;
        write(media.resolve("a.txt"), 100, 1, 0640);
        write(media.resolve("big.bin"), 3_000_000, 2, 0644); // several chunks
        write(media.resolve("bin/setuid"), 10, 3, 04755);
        write(media.resolve("bin/setgid"), 10, 4, 02750);
        write(media.resolve("bin/all-bits"), 10, 5, 07777);
        write(media.resolve("with space.txt"), 5, 6, 0600);
        write(media.resolve("tab\tand\nnewline"), 5, 7, 0644);
        write(media.resolve("Übersicht/日本語 ファイル.txt"), 50, 8, 0644);
        write(media.resolve("long/" + "n".repeat(200)), 5, 9, 0644);
        write(media.resolve("-dash"), 0, 10, 0444);
        write(media.resolve("hard/one"), 1000, 11, 0644);
        Files.createLink(media.resolve("hard/two"), media.resolve("hard/one"));
        Files.createDirectories(media.resolve("hard/sub"));
        Files.createLink(media.resolve("hard/sub/three"), media.resolve("hard/one"));
        Files.createDirectories(media.resolve("empty/deeper"));
        Files.createDirectories(media.resolve("sticky"));
        Files.setAttribute(media.resolve("sticky"), "unix:mode", 01777);
        Files.createDirectories(media.resolve("private"));
        Files.setAttribute(media.resolve("private"), "unix:mode", 0700);
        Files.createSymbolicLink(media.resolve("link-rel"), Path.of("a.txt"));
        Files.createSymbolicLink(media.resolve("link-dangling"), Path.of("nowhere/x"));
        Files.createSymbolicLink(media.resolve("link-long"), Path.of("t".repeat(150)));
        Files.createSymbolicLink(media.resolve("link-unicode"), Path.of("Übersicht/日本語 ファイル.txt"));
        Files.createSymbolicLink(media.resolve("link-absolute"), Path.of("/etc/hostname"));
        // times last, deepest first, so that creating children does not touch a folder's mtime again
        List<Path> all;
        try (Stream<Path> walk = Files.walk(media)) {
            all = new ArrayList<>(walk.filter(p -> !p.equals(media)).toList());
        }
        all.sort((a, b) -> b.getNameCount() - a.getNameCount());
        int i = 0;
        for (Path p : all) {
            FileTime t = FileTime.from(Instant.ofEpochSecond(s + i, 181_377_409 + i));
            Files.getFileAttributeView(
                            p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(t, null, null);
            i++;
        }
    }

    private static void write(Path p, int size, long seed, int mode) throws IOException {
        Files.createDirectories(p.getParent());
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(p, data);
        Files.setAttribute(p, "unix:mode", mode);
    }

    /** Each entry: type, mode bits, mtime to the nanosecond, size, content digest, link target, hard link group. */
    private static Map<String, String> state(Path media) throws IOException {
        Map<String, String> state = new TreeMap<>();
        Map<Object, String> firstOfInode = new HashMap<>();
        List<Path> all;
        try (Stream<Path> walk = Files.walk(media)) {
            all = walk.filter(p -> !p.equals(media)).sorted().toList();
        }
        for (Path p : all) {
            Map<String, Object> a =
                    Files.readAttributes(p, "unix:mode,ino,nlink,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            String rel = media.relativize(p).toString();
            Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant();
            String entry = Integer.toOctalString(mode) + " " + mtime;
            if (Files.isSymbolicLink(p)) {
                entry += " -> " + Files.readSymbolicLink(p);
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                entry += " " + Files.size(p) + " " + EngineFixture.sha(Files.readAllBytes(p));
                if ((Integer) a.get("nlink") > 1) {
                    entry += " linked with " + firstOfInode.computeIfAbsent(a.get("ino"), k -> rel);
                }
            }
            state.put(rel, entry);
        }
        return state;
    }
}
