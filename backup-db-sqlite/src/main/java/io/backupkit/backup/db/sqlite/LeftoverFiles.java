package io.backupkit.backup.db.sqlite;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dumper's own temporary files beside a database ({@code .app.db.restore-<pid>-<random>}, {@code
 * .app.db.dump-<pid>-<random>} and their SQLite sidecars), created 0600 and named after the process
 * that made them, so that a run can remove what a killed one left without touching the files of one
 * still running.
 */
final class LeftoverFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LeftoverFiles.class);
    static final String RESTORE = "restore";
    static final String DUMP = "dump";

    private LeftoverFiles() {}

    /** Creates a new empty 0600 file {@code .<database name>.<kind>-<pid>-<random>} in {@code dir}. */
    static Path create(Path dir, Path database, String kind) throws IOException {
        String name = "." + database.getFileName() + "." + kind + "-"
                + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path file = dir.resolve(name);
        try {
            return Files.createFile(
                    file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createFile(file);
        }
    }

    /** Deletes {@code file} and the journal, WAL and shared-memory files SQLite may have made for it. */
    static void delete(Path file) {
        for (String suffix : List.of("", "-journal", "-wal", "-shm")) {
            Path f = file.resolveSibling(file.getFileName() + suffix);
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("Cannot delete the temporary file {}: {}", f, e.toString());
            }
        }
    }

    /** Deletes the files of {@code kind} in {@code dir} for {@code database} whose process has ended. */
    static void sweep(Path dir, Path database, String kind) {
        String prefix = "." + database.getFileName() + "." + kind + "-";
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path f : files) {
                String rest = f.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try {
                    if (Files.deleteIfExists(f)) {
                        LOG.info("Deleted {}, left by an interrupted {} (process {} has ended)", f, kind, pid);
                    }
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}, left by an interrupted {}: {}", f, kind, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot look for files left by an interrupted {} in {}: {}", kind, dir, e.toString());
        }
    }
}
