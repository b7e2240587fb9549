package io.backupkit.backup.core.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bulk read path's file streams: FileInputStream on the default file system, the NIO contract on errors. */
class FileStreamsTest {
    @TempDir
    Path tmp;

    @Test
    void readsALocalFileFromAnOffsetThroughAFileInputStream() throws IOException {
        Path f = Files.writeString(tmp.resolve("a.txt"), "0123456789");
        try (InputStream in = FileStreams.open(f, 4)) {
            assertThat(in).isInstanceOf(FileInputStream.class); // not the NIO channel stream (F10)
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("456789");
        }
        try (InputStream in = FileStreams.open(f)) {
            assertThat(in.available()).isEqualTo(10);
            assertThat(in.readAllBytes()).hasSize(10);
        }
    }

    @Test
    void aMissingFileIsANoSuchFileExceptionAsWithFilesNewInputStream() {
        Path missing = tmp.resolve("missing.bin");
        assertThatThrownBy(() -> FileStreams.open(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("missing.bin");
    }

    @Test
    void aFolderIsAnIoErrorButNotAMissingFile() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("folder"));
        assertThatThrownBy(() -> FileStreams.open(dir))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("folder");
    }

    @Test
    void aFileOfAnotherFileSystemOpensThroughItsProvider() throws IOException {
        URI zip = URI.create("jar:" + tmp.resolve("z.zip").toUri());
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Path f = Files.writeString(fs.getPath("/inside.txt"), "abcdef");
            try (InputStream in = FileStreams.open(f, 2)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("cdef");
            }
            assertThatThrownBy(() -> FileStreams.open(fs.getPath("/nope.txt"))).isInstanceOf(NoSuchFileException.class);
        }
    }
}
