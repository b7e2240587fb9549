package io.backupkit.backup.core.internal.archive;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what a media restore must leave in place: entries of the live media folder that a media archive
 * cannot hold (devices, sockets) and that the restored folder does not have; for a backup made before names
 * were kept as bytes, also names and link targets whose bytes are not UTF-8 (that backup could not hold
 * them). A restore moves them into the restored folder instead of deleting them with the old one: it never
 * deletes what it cannot put back. Links are never followed.
 */
public final class UnheldEntries {
    private UnheldEntries() {}

    /**
     * @param media the live media folder (nothing when it does not exist)
     * @param restored the folder that replaces it
     * @param rawNames whether the backup holds names and link targets as bytes (made by a version that
     *     keeps them): then such an entry it does not have is not kept but goes, like any other
     * @return the entries to keep, relative to {@code media} (their names keep their bytes)
     */
    public static List<Path> find(Path media, Path restored, boolean rawNames) throws IOException {
        List<Path> keep = new ArrayList<>();
        if (!Files.isDirectory(media, LinkOption.NOFOLLOW_LINKS)) {
            return keep;
        }
        Files.walkFileTree(media, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(media) && unheld(dir, attrs, rawNames)) {
                    keepIfMissing(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (unheld(file, attrs, rawNames)) {
                    keepIfMissing(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            private void keepIfMissing(Path entry) {
                Path rel = media.relativize(entry);
                if (!Files.exists(restored.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
                    keep.add(rel);
                }
            }
        });
        return keep;
    }

    private static boolean unheld(Path path, BasicFileAttributes attrs, boolean rawNames) throws IOException {
        if (!rawNames && path.getFileName().toString().indexOf('\uFFFD') >= 0) {
            return true;
        }
        if (attrs.isSymbolicLink()) {
            return !rawNames && Files.readSymbolicLink(path).toString().indexOf('\uFFFD') >= 0;
        }
        if (attrs.isOther()) {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & 0170000) != Stat.FIFO;
        }
        return false;
    }
}
