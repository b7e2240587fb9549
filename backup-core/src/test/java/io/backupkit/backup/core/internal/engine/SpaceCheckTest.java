package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.UnableToRestoreMediaException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The free-space check before a restore: a margin that fits small file systems, and real sizes in the message. */
class SpaceCheckTest {
    private static final Path DIR = Path.of("/srv/app");

    @Test
    void aSmallBackupFitsASmallFileSystem() {
        // 3 KB of media on a 5 MB file system with 4 MiB free: the margin is 64 KiB, not 16 MiB
        assertThatCode(() -> SpaceCheck.require(DIR, 3_000, "the media folder's file system", 4L << 20, 5_000_000))
                .doesNotThrowAnyException();
    }

    @Test
    void aRefusalSaysTheRealSizesTheMarginAndWhy() {
        assertThatThrownBy(
                        () -> SpaceCheck.require(DIR, 3L << 20, "the media folder's file system", 2L << 20, 5L << 20))
                .isInstanceOf(UnableToRestoreMediaException.class)
                .hasMessageContaining("writes 3.0 MiB there")
                .hasMessageContaining("margin of 64.0 KiB")
                .hasMessageContaining("so that the file system does not fill up")
                .hasMessageContaining("but 2.0 MiB are free")
                .hasMessageContaining("free 1.1 MiB and retry")
                .hasMessageContaining("Nothing was changed");
        assertThatThrownBy(() -> SpaceCheck.require(DIR, 3_000, "the spool folder", 10_000, 1L << 40))
                .hasMessageContaining("writes 2.9 KiB there")
                .hasMessageContaining("margin of 16.0 MiB")
                .hasMessageContaining("9.8 KiB are free");
    }
}
