package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses media folders that a restore, which replaces the media folder whole, must not replace: the
 * local backup folder or the spool folder itself, a folder inside the backup folder, and (unless
 * allowed) {@code /}, a home folder or a system folder. Paths are compared by their real paths
 * (links followed), so a symlink cannot hide that two settings name the same folder.
 */
final class MediaFolderGuard {
    /** Folders (and their real paths) whose replacement would wreck the machine or a user's files. */
    private static final List<String> SYSTEM = List.of(
            "/",
            "/bin",
            "/boot",
            "/dev",
            "/etc",
            "/home",
            "/lib",
            "/lib32",
            "/lib64",
            "/libx32",
            "/media",
            "/mnt",
            "/opt",
            "/proc",
            "/root",
            "/run",
            "/sbin",
            "/srv",
            "/sys",
            "/tmp",
            "/usr",
            "/usr/bin",
            "/usr/lib",
            "/usr/local",
            "/usr/sbin",
            "/usr/share",
            "/var",
            "/var/lib",
            "/var/log",
            "/var/tmp",
            "/var/www");

    private MediaFolderGuard() {}

    /** @throws BackupConfigurationException naming both paths when the media folder is not safe to replace */
    static void check(EngineSettings settings) {
        Path mediaDir = settings.mediaDir();
        if (mediaDir == null) {
            return;
        }
        Path media = realPath(mediaDir);
        Optional<Path> local = settings.storage().localFolder();
        if (local.isPresent()) {
            Path store = realPath(local.get());
            if (store.equals(media)) {
                throw new BackupConfigurationException(
                        Setting.STORAGE_LOCATION,
                        "the backup folder " + local.get() + resolved(local.get(), store) + " is the media folder "
                                + mediaDir + resolved(mediaDir, media)
                                + ": a restore would replace the backups with the media files. "
                                + "Keep the backups in a folder of their own");
            }
            if (media.startsWith(store)) {
                throw new BackupConfigurationException(
                        Setting.MEDIA_DIR,
                        "the media folder " + mediaDir + resolved(mediaDir, media) + " lies inside the backup folder "
                                + local.get() + resolved(local.get(), store)
                                + ": a restore would replace part of the backup folder. Keep the media folder "
                                + "and the backups apart");
            }
        }
        if (realPath(settings.spoolDir()).equals(media)) {
            throw new BackupConfigurationException(
                    Setting.SPOOL_DIR,
                    "the spool folder " + settings.spoolDir() + " is the media folder " + mediaDir
                            + resolved(mediaDir, media)
                            + ": backups would leave the media out and a restore would replace its own work files. "
                            + "Give the spool folder a folder of its own (or leave it unset for the temp folder)");
        }
        if (!settings.allowSensitiveMediaDir()) {
            sensitive(media).ifPresent(what -> {
                throw new BackupConfigurationException(
                        Setting.MEDIA_DIR_ALLOW_SENSITIVE,
                        "the media folder " + mediaDir + resolved(mediaDir, media) + " is " + what
                                + ", which a restore would replace whole. Use the application's own media folder, "
                                + "or allow this one explicitly");
            });
        }
    }

    /** What makes {@code realMedia} a folder no restore should replace, if anything does. */
    static Optional<String> sensitive(Path realMedia) {
        if (realMedia.getParent() == null) {
            return Optional.of("the root folder");
        }
        Set<Path> homes = new HashSet<>();
        homes.add(realPath(Path.of(System.getProperty("user.home"))));
        String envHome = System.getenv("HOME");
        if (envHome != null && !envHome.isBlank()) {
            homes.add(realPath(Path.of(envHome)));
        }
        Path parent = realMedia.getParent();
        if (homes.contains(realMedia) || parent.equals(realPath(Path.of("/home")))) {
            return Optional.of("a home folder");
        }
        for (Path home : homes) {
            if (home.startsWith(realMedia)) {
                return Optional.of("a folder holding the home folder " + home);
            }
        }
        for (String system : SYSTEM) {
            Path p = Path.of(system);
            if (realMedia.equals(p) || realMedia.equals(realPath(p))) {
                return Optional.of("a system folder");
            }
        }
        return Optional.empty();
    }

    /**
     * The real path of {@code path} with links followed; a path that does not exist (yet) is resolved
     * through its nearest existing parent.
     */
    static Path realPath(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            return absolute; // a dangling link or no permission: the lexical form is the best we have
        }
        for (Path name : missing) {
            real = real.resolve(name);
        }
        return real;
    }

    /** The real path in parentheses when it differs from what was configured. */
    private static String resolved(Path configured, Path real) {
        return real.equals(configured.toAbsolutePath().normalize()) ? "" : " (" + real + ")";
    }

    /**
     * Where {@code folder} lies inside the media folder, expressed under {@code mediaDir} as
     * configured (the media walk and the restore's swap use that form), or empty when it lies outside.
     */
    static Optional<Path> insideMedia(Path mediaDir, Path folder) {
        Path media = realPath(mediaDir);
        Path real = realPath(folder);
        if (!real.startsWith(media)) {
            return Optional.empty();
        }
        return Optional.of(mediaDir.toAbsolutePath().normalize().resolve(media.relativize(real)));
    }
}
