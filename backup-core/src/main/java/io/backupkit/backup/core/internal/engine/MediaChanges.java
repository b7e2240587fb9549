package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.UnableToRestoreMediaException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What changed in the media folder since a time: entries whose change or modification time is
 * later. A file added, changed or renamed shows itself; one removed shows as its folder's change.
 */
final class MediaChanges {
    private static final int NAMED = 3;

    private MediaChanges() {}

    /** One sentence naming a few of the changed entries and their count, or empty when none changed. */
    static Optional<String> since(Path media, Instant mark, List<Path> skipped) {
        List<String> files = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        int[] count = {0};
        try {
            Files.walkFileTree(media, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Path rel = media.relativize(dir);
                    if (skipped.stream().anyMatch(rel::startsWith)
                            && !rel.toString().isEmpty()) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (changed(dir, attrs, mark)) {
                        count[0]++;
                        folders.add(rel.toString().isEmpty() ? "the folder itself" : rel + "/");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (changed(file, attrs, mark)) {
                        count[0]++;
                        files.add(media.relativize(file).toString());
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "cannot look through the media folder " + media + " for what changed since the restore: "
                            + e.getMessage() + "; nothing was changed",
                    e);
        }
        if (count[0] == 0) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>(files);
        names.addAll(folders); // a folder only says something was added or removed in it
        String shown = String.join(", ", names.subList(0, Math.min(NAMED, names.size())));
        return Optional.of("the media folder: " + count[0] + " file(s) or folder(s) added, changed or removed"
                + " since the restore (" + shown + (count[0] > NAMED ? ", ..." : "") + ")");
    }

    private static boolean changed(Path p, BasicFileAttributes attrs, Instant mark) throws IOException {
        if (attrs.lastModifiedTime().toInstant().isAfter(mark)) {
            return true;
        }
        try {
            FileTime ctime = (FileTime) Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
            return ctime.toInstant().isAfter(mark);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return false; // no change time here: the modification time is all there is
        }
    }
}
