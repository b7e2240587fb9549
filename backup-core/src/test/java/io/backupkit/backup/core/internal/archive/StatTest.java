package io.backupkit.backup.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Stat#read} reads the JDK's lstat result directly when {@code sun.nio.fs} is open (the tests
 * open it as the command line jar's manifest does); it must give what the {@code unix} view's map gives.
 */
class StatTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheLstatResultDirectlyWhenTheJdkOpensIt() {
        assertThat(Stat.direct()).isTrue();
    }

    @Test
    void directReadGivesWhatTheUnixViewGivesForEveryKindOfEntry() throws Exception {
        Path file = Files.write(tmp.resolve("file"), "content".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(file, FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
        Path linked = Files.createLink(tmp.resolve("linked"), file);
        Path setuid = Files.write(tmp.resolve("setuid"), new byte[0]);
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Path symlink = Files.createSymbolicLink(tmp.resolve("symlink"), Path.of("missing-target"));
        Path fifo = tmp.resolve("fifo");
        run("chmod", "4755", setuid.toString());
        run("chmod", "1777", dir.toString());
        run("mkfifo", fifo.toString());

        for (Path p : List.of(file, linked, setuid, dir, symlink, fifo, Path.of("/dev/null"))) {
            Stat viaMap = Stat.of(Files.readAttributes(p, Stat.UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
            assertThat(Stat.read(p)).as(p.toString()).isEqualTo(viaMap);
        }
        Stat f = Stat.read(file);
        assertThat(f.type()).isEqualTo(Stat.FILE);
        assertThat(f.nlink()).isEqualTo(2);
        assertThat(f.key()).isEqualTo(Stat.read(linked).key());
        assertThat(f.mtime()).isEqualTo(FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
        assertThat(Stat.read(setuid).mode()).isEqualTo(04755);
        assertThat(Stat.read(dir).mode()).isEqualTo(01777);
        assertThat(Stat.read(dir).type()).isEqualTo(Stat.DIRECTORY);
        assertThat(Stat.read(symlink).type()).isEqualTo(Stat.SYMLINK);
        assertThat(Stat.read(fifo).type()).isEqualTo(Stat.FIFO);
        assertThat(Stat.read(Path.of("/dev/null")).type()).isEqualTo(0020000);
    }

    @Test
    void aMissingEntryFailsAsTheUnixViewDoes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stat.read(tmp.resolve("missing")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isEqualTo(0);
    }
}
