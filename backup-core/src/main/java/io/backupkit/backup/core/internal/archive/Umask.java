package io.backupkit.backup.core.internal.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's umask, as Linux shows it in {@code /proc/self/status}. */
final class Umask {
    private Umask() {}

    /** The umask (e.g. 022), or -1 when it cannot be read (not Linux, or a kernel before 4.7). */
    static int read() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring("Umask:".length()).strip(), 8);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: every file gets its mode set after the create
        }
        return -1;
    }
}
