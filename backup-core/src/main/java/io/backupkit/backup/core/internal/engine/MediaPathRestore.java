package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.MediaPathNotFoundException;
import io.backupkit.backup.MediaRestoreResult;
import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.core.internal.archive.ExtractLimits;
import io.backupkit.backup.core.internal.archive.FileTrees;
import io.backupkit.backup.core.internal.archive.MediaArchiver;
import io.backupkit.backup.core.internal.archive.MediaExtractor;
import io.backupkit.backup.core.internal.archive.MediaSelection;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Restores one media file or folder of a backup into a folder of the caller's choosing, through the
 * extractor's checks: it is extracted into a hidden folder inside the target, checked against the
 * manifest, and only then moved into place. The database, the media folder and the storage are not
 * touched, so no lease or target lock is taken.
 */
final class MediaPathRestore {
    private final EngineSettings settings;
    private final Catalog catalog;

    MediaPathRestore(EngineSettings settings, Catalog catalog) {
        this.settings = settings;
        this.catalog = catalog;
    }

    MediaRestoreResult run(String idOrLatest, String mediaPath, Path target) {
        MediaSelection selection = MediaSelection.of(mediaPath);
        BackupInfo backup = catalog.get(idOrLatest);
        ArtifactInfo media = backup.artifact(ArtifactInfo.MEDIA)
                .orElseThrow(() -> notFound(backup, selection, "it has no media part"));
        Path to = target.toAbsolutePath().normalize();
        boolean created = prepare(to);
        Path staging = to.resolve(".restoring-" + UUID.randomUUID().toString().substring(0, 8));
        boolean done = false;
        try {
            MediaInfo got = extract(backup, media, staging, selection);
            if (got == null || got.fileCount() + got.directoryCount() == 0) {
                throw notFound(backup, selection, "nothing in its media folder is at that path");
            }
            String name = selection.path().substring(selection.path().lastIndexOf('/') + 1);
            moveInto(staging.resolve(name), to.resolve(name));
            Files.delete(staging);
            done = true;
            return new MediaRestoreResult(
                    backup, selection.path(), to, got.fileCount(), got.directoryCount(), got.totalBytes());
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "cannot move " + selection.path() + " into " + to + ": " + e.getMessage()
                            + "; check that the folder is writable",
                    e);
        } finally {
            if (!done) {
                cleanUp(staging, created ? to : null);
            }
        }
    }

    private MediaInfo extract(BackupInfo backup, ArtifactInfo media, Path staging, MediaSelection selection) {
        ExtractLimits limits = limits(backup.media());
        if (DedupParts.isDedup(backup)) {
            return DedupParts.restore(settings, backup)
                    .extractMedia(media, staging, limits, settings.listener(), selection);
        }
        return DedupParts.read(settings, backup, media, in -> new MediaExtractor(limits, settings.listener())
                .extract(in, staging, media.name(), selection));
    }

    /** Refuses a target that is not a new or empty folder outside the media and backup folders; creates it. */
    private boolean prepare(Path to) {
        if (settings.mediaDir() != null
                && MediaFolderGuard.insideMedia(settings.mediaDir(), to).isPresent()) {
            throw new UnableToRestoreMediaException("cannot restore into " + to + ": it lies inside the media folder "
                    + settings.mediaDir() + ", which only a full restore changes; restore into another folder and"
                    + " move what you need yourself");
        }
        Optional<Path> local = settings.storage().localFolder();
        if (local.isPresent() && MediaFolderGuard.realPath(to).startsWith(MediaFolderGuard.realPath(local.get()))) {
            throw new UnableToRestoreMediaException("cannot restore into " + to + ": it lies inside the backup folder "
                    + local.get() + "; restore into another folder");
        }
        try {
            BasicFileAttributes attrs = lstat(to);
            if (attrs == null) {
                Files.createDirectories(to);
                return true;
            }
            if (attrs.isSymbolicLink() || !attrs.isDirectory()) {
                throw new UnableToRestoreMediaException(
                        "cannot restore into " + to + ": it is a link or a file; give a new or empty folder");
            }
            try (var children = Files.newDirectoryStream(to)) {
                if (children.iterator().hasNext()) {
                    throw new UnableToRestoreMediaException(
                            "cannot restore into " + to + ": the folder is not empty; give a new or empty folder");
                }
            }
            return false;
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "cannot create the folder " + to + ": " + e.getMessage() + "; check that its parent is writable",
                    e);
        }
    }

    /**
     * Renames the restored file or folder into place; a folder without write permission cannot be moved
     * to another parent (its {@code ..} changes), so it gets that permission for the move only.
     */
    private static void moveInto(Path from, Path to) throws IOException {
        try {
            Files.move(from, to);
        } catch (AccessDeniedException e) {
            if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> writable = PosixFilePermissions.fromString("rwx------");
            writable.addAll(mode);
            Files.setPosixFilePermissions(from, writable);
            Files.move(from, to);
            Files.setPosixFilePermissions(to, mode);
        }
    }

    private static void cleanUp(Path staging, Path createdTarget) {
        try {
            FileTrees.delete(staging);
            if (createdTarget != null) {
                Files.deleteIfExists(createdTarget);
            }
        } catch (IOException e) {
            // the failure being thrown says more; what is left is in a hidden folder of the target
        }
    }

    private static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    private static MediaPathNotFoundException notFound(BackupInfo backup, MediaSelection selection, String why) {
        return new MediaPathNotFoundException(
                backup.id().value(),
                selection.path(),
                "backup " + backup.id() + " holds no media at " + selection.path() + ": " + why
                        + "; give a path relative to the media folder, e.g. attachments/2026");
    }

    /** The extraction limits a full restore derives from the manifest: no archive holds more than it says. */
    private static ExtractLimits limits(MediaInfo m) {
        ExtractLimits d = ExtractLimits.defaults();
        if (m == null) {
            return d;
        }
        return new ExtractLimits(
                m.fileCount() * MediaArchiver.READ_ATTEMPTS + m.directoryCount() + 16,
                m.totalBytes(),
                m.totalBytes(),
                d.maxPathLength(),
                d.maxDepth());
    }
}
