package io.backupkit.backup.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.InvalidMediaPathException;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.UnableToRestoreMediaException;
import io.backupkit.backup.UnsafeArchiveException;
import io.backupkit.backup.core.internal.archive.ArchiveTestSupport.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extracting one path of a media archive: the same checks as a whole extraction, under the path's own name. */
class MediaSelectionTest {
    @TempDir
    Path tmp;

    private MediaInfo extract(byte[] tar, Path target, String path) {
        return new MediaExtractor(ExtractLimits.defaults(), BackupListener.NONE)
                .extract(new ByteArrayInputStream(tar), target, "b.media.tar", MediaSelection.of(path));
    }

    @Test
    void pathsAreNormalisedAndEscapesRefused() {
        assertThat(MediaSelection.of("./a//b/").path()).isEqualTo("a/b");
        assertThat(MediaSelection.of("a/b").includes("a/b/c")).isTrue();
        assertThat(MediaSelection.of("a/b").includes("a/bc")).isFalse();
        for (String bad : List.of("", " ", "/etc", "a/../../b", "..", ".", "a/\0")) {
            assertThatThrownBy(() -> MediaSelection.of(bad)).as(bad).isInstanceOf(InvalidMediaPathException.class);
        }
    }

    @Test
    void onlyTheSelectedFolderIsWrittenUnderItsOwnName() throws IOException {
        byte[] big = new byte[300_000]; // larger than a header's byte budget: skipped content is read past
        byte[] tar = new TarBuilder()
                .dir("a", 0755)
                .file("a/big.bin", big, 0644)
                .dir("a/x", 0750)
                .file("a/x/f.txt", "f")
                .file("a/xy.txt", "not x")
                .dir("a/x/sub", 0755)
                .file("a/x/sub/g.txt", "g")
                .file("b.txt", "b")
                .build();
        Path target = tmp.resolve("t");
        MediaInfo got = extract(tar, target, "a/x");
        assertThat(got.fileCount()).isEqualTo(2);
        assertThat(got.directoryCount()).isEqualTo(2);
        assertThat(target.resolve("x/f.txt")).hasContent("f");
        assertThat(target.resolve("x/sub/g.txt")).hasContent("g");
        try (var s = Files.list(target)) {
            assertThat(s).containsExactly(target.resolve("x"));
        }
        assertThat(extract(tar, tmp.resolve("none"), "a/nothing").fileCount()).isZero();
    }

    @Test
    void hostileEntriesUnderTheSelectionAreRefusedAsInAWholeExtraction() throws IOException {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "outside");
        byte[] throughLink = new TarBuilder()
                .dir("a/x", 0755)
                .special("a/x/d", TarConstants.LF_SYMLINK, tmp.toString())
                .file("a/x/d/outside.txt", "overwritten")
                .build();
        assertThatThrownBy(() -> extract(throughLink, tmp.resolve("t1"), "a/x"))
                .isInstanceOf(UnsafeArchiveException.class);
        assertThat(outside).hasContent("outside");
        assertThat(tmp.resolve("t1")).doesNotExist();

        byte[] dotDot = new TarBuilder().file("a/x/../../../evil", "x").build();
        assertThatThrownBy(() -> extract(dotDot, tmp.resolve("t2"), "a/x"))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("'..'");
        assertThat(tmp.resolve("evil")).doesNotExist();
    }

    @Test
    void aHardLinkToAFileOutsideTheSelectionIsRefusedByName() {
        byte[] tar = new TarBuilder()
                .file("a/first.txt", "shared")
                .special("b/second.txt", TarConstants.LF_LINK, "a/first.txt")
                .build();
        assertThatThrownBy(() -> extract(tar, tmp.resolve("t"), "b"))
                .isInstanceOf(UnableToRestoreMediaException.class)
                .hasMessageContaining("outside b");
        assertThat(tmp.resolve("t")).doesNotExist();
    }
}
