package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.core.internal.archive.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the media folder by the staging folder with renames, and can undo that. Each step
 * looks at what is on disk, so a swap a killed process left half done can be finished or undone
 * from the journal's folders.
 */
final class MediaSwap {
    private static final Logger LOG = LoggerFactory.getLogger(MediaSwap.class);

    final Path media;
    private final Path staging;
    final Path old;
    private final List<Path> preserved;
    final boolean hadOld;

    private MediaSwap(Path media, Path staging, Path old, List<Path> preserved, boolean hadOld) {
        this.media = media;
        this.staging = staging;
        this.old = old;
        this.preserved = preserved;
        this.hadOld = hadOld;
    }

    /** The swap of {@code staging} into {@code mediaDir}, not started yet. */
    static MediaSwap plan(Path mediaDir, Path staging, List<Path> preserved) {
        Path media = mediaDir.toAbsolutePath().normalize();
        Path old = media.resolveSibling("." + media.getFileName() + ".old-"
                + UUID.randomUUID().toString().substring(0, 8));
        return new MediaSwap(media, staging, old, preserved, Files.exists(media, LinkOption.NOFOLLOW_LINKS));
    }

    /** A swap recorded in a journal, in whatever state it was left. */
    static MediaSwap resume(Path media, Path staging, Path old, boolean hadOld, List<Path> preserved) {
        return new MediaSwap(media, staging, old, preserved, hadOld);
    }

    static MediaSwap swap(Path mediaDir, Path staging, List<Path> preserved) {
        MediaSwap s = plan(mediaDir, staging, preserved);
        s.apply();
        return s;
    }

    /** Renames the media folder aside and the staging folder in; undone on failure. */
    void apply() {
        try {
            renames();
        } catch (IOException e) {
            undoQuietly();
            throw new UnableToRestoreMediaException(
                    "swapping the media folder failed: " + e.getMessage() + "; the media folder was left as it was", e);
        }
    }

    /** Completes the renames from wherever they stopped (recovery after the database committed). */
    void finish() {
        try {
            renames();
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "finishing the media swap of an interrupted restore failed: " + e.getMessage()
                            + "; the restored media is in " + staging + " or " + media + ", the previous in " + old,
                    e);
        }
    }

    private void renames() throws IOException {
        if (!swappedIn()) {
            dropPreservedCopies();
            if (hadOld && !Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(media, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, media, StandardCopyOption.ATOMIC_MOVE);
        }
        if (hadOld) {
            movePreserved(old, media);
        }
    }

    /** The backup held a copy of a folder kept in place (the backup or spool folder): the live one wins. */
    private void dropPreservedCopies() throws IOException {
        for (Path rel : preserved) {
            Path copy = staging.resolve(rel);
            if (Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
                LOG.warn("the backup holds {}, the backup or spool folder, too; the live one is kept", rel);
                FileTrees.delete(copy, 1);
            }
        }
    }

    /** Whether the staging folder was moved in (it is gone from its place). */
    private boolean swappedIn() {
        return staging == null || !Files.exists(staging, LinkOption.NOFOLLOW_LINKS);
    }

    private void movePreserved(Path from, Path to) throws IOException {
        for (Path rel : preserved) {
            Path src = from.resolve(rel);
            Path dst = to.resolve(rel);
            if (Files.exists(src, LinkOption.NOFOLLOW_LINKS) && !Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
                Path parent = dst.getParent();
                // a restored folder keeps its restored time when an entry is carried into it
                FileTime time =
                        Files.isDirectory(parent) ? Files.getLastModifiedTime(parent, LinkOption.NOFOLLOW_LINKS) : null;
                Files.createDirectories(parent);
                Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
                if (time != null) {
                    Files.setLastModifiedTime(parent, time);
                }
            }
        }
    }

    Path oldLocation() {
        return old;
    }

    /** Success: the old media folder goes. */
    void commit() {
        if (hadOld) {
            RestoreOperation.deleteQuietly(old);
        }
    }

    /** Failure: the restored folder goes, the old one comes back. */
    void undo() {
        try {
            boolean asideDone = hadOld && Files.exists(old, LinkOption.NOFOLLOW_LINKS);
            if (hadOld && !asideDone) {
                return; // nothing was renamed: the media folder is the old one
            }
            Path failed = media.resolveSibling("." + media.getFileName() + ".failed-"
                    + UUID.randomUUID().toString().substring(0, 8));
            if (swappedIn() && Files.exists(media, LinkOption.NOFOLLOW_LINKS)) {
                if (hadOld) {
                    movePreserved(media, old);
                }
                Files.move(media, failed, StandardCopyOption.ATOMIC_MOVE);
            }
            if (hadOld) {
                Files.move(old, media, StandardCopyOption.ATOMIC_MOVE);
            }
            RestoreOperation.deleteQuietly(failed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void undoQuietly() {
        try {
            undo();
        } catch (RuntimeException e) {
            LOG.error("could not undo the media swap; the previous media folder is in {}", old, e);
        }
    }
}
