package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.UnableToRestoreMediaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Creating a FIFO: the JDK has no {@code mkfifo}, so the coreutils tool makes it (FIFOs are rare in media). */
final class Fifos {
    private Fifos() {}

    /** Creates the FIFO {@code path} with mode 0600; it must not exist. */
    static void create(Path path, String artifact) {
        if (!RawNames.isLossy(path.toString())) {
            make(path, artifact);
            return;
        }
        // an argument to a process is a string: made under a plain name, then linked to its real one
        Path plain = path.resolveSibling(".fifo-" + java.util.UUID.randomUUID());
        make(plain, artifact);
        try {
            java.nio.file.Files.createLink(path, plain);
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "Cannot create the FIFO " + path + " while extracting " + artifact + ": " + e
                            + "; check the permissions of its folder",
                    e);
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(plain);
            } catch (IOException e) {
                // the extraction's clean-up removes the folder with it
            }
        }
    }

    private static void make(Path path, String artifact) {
        ProcessBuilder pb = new ProcessBuilder(List.of("mkfifo", "-m", "600", "--", path.toString()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true);
        pb.environment().keySet().retainAll(List.of("PATH", "LANG", "LC_ALL"));
        String output;
        int exit;
        try {
            Process p = pb.start();
            output = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mkfifo did not finish within 30 s");
            }
            exit = p.exitValue();
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "Cannot create the FIFO " + path + " while extracting " + artifact + ": " + e.getMessage()
                            + "; mkfifo (coreutils) must be on the PATH",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.backupkit.backup.BackupCancelledException("Extracting " + artifact + " was cancelled", e);
        }
        if (exit != 0) {
            throw new UnableToRestoreMediaException("Cannot create the FIFO " + path + " while extracting " + artifact
                    + ": mkfifo exited with " + exit + " (" + output + "); check the permissions of its folder");
        }
    }
}
