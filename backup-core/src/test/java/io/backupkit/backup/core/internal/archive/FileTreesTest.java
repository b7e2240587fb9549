package io.backupkit.backup.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    /** 600 files in nested folders (more than the threads' batches), a link out, an empty folder. */
    private Path tree() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("media"));
        for (int d = 0; d < 10; d++) {
            Path dir = Files.createDirectories(root.resolve("d" + d).resolve("sub"));
            for (int i = 0; i < 60; i++) {
                Files.write((i % 2 == 0 ? dir : dir.getParent()).resolve("f" + i), new byte[i]);
            }
        }
        Files.createDirectories(root.resolve("empty/deeper"));
        Files.createSymbolicLink(root.resolve("d0/link-out"), outside());
        return root;
    }

    private Path outside() throws IOException {
        Path keep = tmp.resolve("outside");
        if (!Files.exists(keep)) {
            Files.createDirectories(keep);
            Files.writeString(keep.resolve("keep.txt"), "kept");
        }
        return keep;
    }

    @Test
    void deletesEverythingOnSeveralThreadsButNotWhatALinkPointsTo() throws IOException {
        Path root = tree();

        FileTrees.delete(root, 4);

        assertThat(root).doesNotExist();
        assertThat(outside().resolve("keep.txt")).hasContent("kept");
    }

    @Test
    void oneThreadAndAMissingFolderAreFine() throws IOException {
        Path root = tree();
        FileTrees.delete(root, 1);
        assertThat(root).doesNotExist();
        FileTrees.delete(root, 4); // nothing there: no error
    }

    @Test
    void aFileThatCannotBeDeletedFailsTheDeletion() throws Exception {
        Path root = tree();
        Path stuck = root.resolve("d3/sub/f0");
        // root may unlink anything in a folder it cannot write; not an immutable file
        boolean immutable = chattr("+i", stuck);
        Path locked = stuck.getParent();
        if (!immutable) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        }
        try {
            Assumptions.assumeTrue(immutable || !Files.isWritable(locked), "no way to make an unlink fail here");
            assertThatThrownBy(() -> FileTrees.delete(root, 4))
                    .as("the file's own failure, not a folder left non-empty by it")
                    .isInstanceOfSatisfying(FileSystemException.class, e -> assertThat(e.getFile())
                            .isEqualTo(stuck.toString()));
            assertThat(stuck).exists();
        } finally {
            if (immutable) {
                chattr("-i", stuck);
            } else {
                Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
            }
        }
        FileTrees.delete(root, 4);
        assertThat(root).doesNotExist();
    }

    private static boolean chattr(String flag, Path file) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false; // no chattr
        }
    }
}
