package io.backupkit.backup.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.core.internal.archive.ArchiveTestSupport.TarBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setuid and setgid bits are restored when the restore does not run as root (a user can only plant them on
 * files of their own). The tests run as root, so the extraction runs in a child JVM as the user nobody
 * ({@code setpriv}; it keeps only the capability to read the class path under /root). As root they are
 * dropped and reported: {@code HostileArchiveTest#t18AsRootSetuidAndSetgidBitsOfFilesAreDroppedAndReported}.
 */
class SetIdBitsTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void setIdBitsAreKeptWhenTheRestoreDoesNotRunAsRoot() throws Exception {
        assumeTrue(MediaExtractor.runsAsRoot(), "needs root to start the restore as another user");
        assumeTrue(run(List.of("setpriv", "--version")).exit() == 0, "setpriv (util-linux) is not installed");
        Path tar = tmp.resolve("a.tar");
        Files.write(
                tar,
                new TarBuilder()
                        .dir("shared", 02775)
                        .file("shared/suid", "#!/bin/sh".getBytes(StandardCharsets.UTF_8), 04755)
                        .file("sgid", "x".getBytes(StandardCharsets.UTF_8), 02750)
                        .file("both", "x".getBytes(StandardCharsets.UTF_8), 06711)
                        .build());
        Path parent = Files.createDirectories(tmp.resolve("owned-by-nobody"));
        Files.setAttribute(parent, "unix:uid", NOBODY);
        Path target = parent.resolve("media");

        List<String> cmd = new ArrayList<>(List.of(
                "setpriv",
                "--reuid=" + NOBODY,
                "--regid=" + NOBODY,
                "--clear-groups",
                "--inh-caps=+dac_read_search",
                "--ambient-caps=+dac_read_search",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ExtractAsMain.class.getName(),
                tar.toString(),
                target.toString()));
        Result r = run(cmd);
        assertThat(r.output()).as("the child's output").endsWith("OK\n").doesNotContain("WARNING");
        assertThat(Files.getAttribute(target.resolve("shared/suid"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(NOBODY);
        assertThat(mode(target.resolve("shared"))).isEqualTo(02775);
        assertThat(mode(target.resolve("shared/suid"))).isEqualTo(04755);
        assertThat(mode(target.resolve("sgid"))).isEqualTo(02750);
        assertThat(mode(target.resolve("both"))).isEqualTo(06711);
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
