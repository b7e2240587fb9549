package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Create and restore of a 1 GiB media folder and a large H2 database with {@code -Xmx64m}, in both
 * formats: the pipeline streams, nothing whole is held in memory (a dedup create holds about one
 * maximum chunk and what the packs in flight may queue). Sizes can be lowered with
 * {@code -Dlowmem.mediaBytes=...} and {@code -Dlowmem.rows=...} for a quick local run.
 */
class LowMemoryIT {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(BackupFormat.class)
    void createAndRestoreRunWithSixtyFourMegabytesOfHeap(BackupFormat format) throws Exception {
        String mediaBytes = System.getProperty("lowmem.mediaBytes", String.valueOf(1L << 30));
        String rows = System.getProperty("lowmem.rows", "200000");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(
                        java,
                        "-Xmx64m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LowMemoryCheck.class.getName(),
                        tmp.toString(),
                        mediaBytes,
                        rows,
                        format.name()))
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(text).doesNotContain("OutOfMemoryError").contains("STATE-EQUAL");
        assertThat(p.exitValue()).as(text).isZero();
    }
}
