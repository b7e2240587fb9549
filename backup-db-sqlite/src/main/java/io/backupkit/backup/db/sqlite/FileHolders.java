package io.backupkit.backup.db.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Finds the processes that hold files open, through {@code /proc/<pid>/fd} (Linux). Processes of
 * other users whose {@code fd} folder cannot be read are not seen; elsewhere than Linux nothing is
 * found and the restore relies on SQLite's locks alone.
 */
final class FileHolders {
    private static final Path PROC = Path.of("/proc");

    private FileHolders() {}

    /** A process that has one of the files open. */
    record Holder(long pid, String command, Path file) {
        Holder {
            Objects.requireNonNull(file, "file");
        }

        boolean isThisProcess() {
            return pid == ProcessHandle.current().pid();
        }

        @Override
        public String toString() {
            String who = isThisProcess()
                    ? "this process (pid " + pid + ", " + command + ")"
                    : "pid " + pid + " (" + command + ")";
            return who + " has " + file.getFileName() + " open";
        }
    }

    /** Whether open files can be looked up on this system. */
    static boolean supported() {
        return Files.isDirectory(PROC.resolve("self/fd"));
    }

    /** The holders of any of {@code files} (absolute paths), one entry per process and file. */
    static List<Holder> of(Collection<Path> files) {
        if (!supported()) {
            return List.of();
        }
        Set<String> wanted = new HashSet<>();
        for (Path f : files) {
            wanted.add(f.toString());
            try {
                wanted.add(f.toRealPath().toString());
            } catch (IOException missing) {
                realParent(f).ifPresent(wanted::add);
            }
        }
        Set<Holder> found = new LinkedHashSet<>();
        try (DirectoryStream<Path> pids =
                Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path proc : pids) {
                scan(proc, wanted, found);
            }
        } catch (IOException e) {
            return List.copyOf(found);
        }
        return new ArrayList<>(found);
    }

    private static java.util.Optional<String> realParent(Path f) {
        try {
            return java.util.Optional.of(
                    f.getParent().toRealPath().resolve(f.getFileName()).toString());
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static void scan(Path proc, Set<String> wanted, Set<Holder> found) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException gone) {
                    continue;
                }
                if (wanted.contains(target)) {
                    long pid = Long.parseLong(proc.getFileName().toString());
                    found.add(new Holder(pid, command(proc), Path.of(target)));
                }
            }
        } catch (IOException | RuntimeException notReadable) {
            // another user's process, or it ended while we looked
        }
    }

    private static String command(Path proc) {
        try {
            return Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
