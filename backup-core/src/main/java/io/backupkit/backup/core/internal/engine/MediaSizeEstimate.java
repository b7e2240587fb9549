package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.Phase;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Sums the sizes of the media folder's regular files on a thread of its own while the archive is
 * written, and reports the total as the media phase's expected bytes. Exclude patterns are not applied:
 * it is an estimate for a progress bar, not worth a second pass of the archiver's rules.
 */
final class MediaSizeEstimate {
    private MediaSizeEstimate() {}

    /** Starts the walk; it stops early once {@code done} is set. Nothing starts for a listener that ignores it. */
    static void start(
            Path mediaDir, List<Path> excludedDirs, BackupListener listener, java.util.function.BooleanSupplier done) {
        if (!takesSizes(listener)) {
            return;
        }
        Thread t = new Thread(
                () -> {
                    long total = sum(mediaDir, excludedDirs, done);
                    if (total >= 0 && !done.getAsBoolean()) {
                        Events.safe(listener).phaseSized(Phase.MEDIA_ARCHIVE, total);
                    }
                },
                "backup-media-size");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * Whether {@code listener} does something with a phase's size: the walk lstats every media entry
     * a second time, a tenth of a create's CPU on a folder of small files.
     */
    static boolean takesSizes(BackupListener listener) {
        try {
            return listener.getClass()
                            .getMethod("phaseSized", Phase.class, long.class)
                            .getDeclaringClass()
                    != BackupListener.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    /** The bytes of the regular files below {@code dir}, or -1 when it cannot be walked or the walk was stopped. */
    static long sum(Path dir, List<Path> excludedDirs, java.util.function.BooleanSupplier stop) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (stop.getAsBoolean()) {
                        return FileVisitResult.TERMINATE;
                    }
                    return excludedDirs.contains(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // the archiver reports what it cannot read
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return stop.getAsBoolean() ? -1 : total[0];
    }
}
