package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.UnableToRestoreMediaException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before a restore changes anything, that a file system has room for what it will write
 * plus a margin: file system blocks, folders and tar padding take more than the bytes counted, and
 * a file system filled to the last byte breaks the host application too. The margin is 16 MiB, or 1%
 * of a smaller file system (at least 64 KiB).
 */
final class SpaceCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceCheck.class);
    private static final long MAX_MARGIN = 16L << 20;
    private static final long MIN_MARGIN = 64L << 10;

    private SpaceCheck() {}

    static void require(Path dir, long bytes, String what) {
        FileStore store;
        long free;
        long total;
        try {
            store = Files.getFileStore(dir);
            free = store.getUsableSpace();
            total = store.getTotalSpace();
        } catch (IOException e) {
            LOG.debug("cannot read free space of {}", dir, e);
            return;
        }
        require(dir, bytes, what, free, total);
    }

    static void require(Path dir, long bytes, String what, long free, long total) {
        long margin = margin(total);
        if (free < bytes + margin) {
            throw new UnableToRestoreMediaException("not enough space in " + what + " " + dir + ": the restore writes "
                    + size(bytes) + " there and keeps a margin of " + size(margin)
                    + " (for file system blocks and folders, and so that the file system does not fill up), "
                    + size(bytes + margin) + " in all, but " + size(free) + " are free; free "
                    + size(bytes + margin - free) + " and retry. Nothing was changed");
        }
    }

    static long margin(long totalSpace) {
        return Math.max(MIN_MARGIN, Math.min(MAX_MARGIN, totalSpace / 100));
    }

    /** {@code 3,072 bytes}, {@code 4.2 MiB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
