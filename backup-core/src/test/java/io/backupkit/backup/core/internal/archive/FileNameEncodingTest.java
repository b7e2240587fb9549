package io.backupkit.backup.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started without a UTF-8 locale (cron, {@code env -i}) reads file names as ASCII: a media
 * file named outside ASCII must give an error that says to set a UTF-8 locale, and a restore must
 * not call a good archive unsafe or corrupt.
 */
class FileNameEncodingTest {
    @TempDir
    Path tmp;

    private String runWithoutLocale(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), NoUtf8LocaleMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear(); // no LANG, LC_ALL, LC_CTYPE: the JVM falls back to ASCII file names
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void archivingANonAsciiNameWithoutAUtf8LocaleSaysWhatToSet() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("Übersicht.txt"), "x");
        String out = runWithoutLocale("archive", media.toString());
        assertThat(out).contains("UnableToArchiveMediaException").contains("LANG=C.UTF-8");
    }

    @Test
    void extractingANonAsciiNameWithoutAUtf8LocaleIsNotCalledUnsafe() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("日本語.txt"), "x");
        Path tar = tmp.resolve("a.tar");
        try (OutputStream out = Files.newOutputStream(tar)) {
            new MediaArchiver(media, List.of(), List.of(), BackupListener.NONE).write(out);
        }
        String out = runWithoutLocale(
                "extract", tar.toString(), tmp.resolve("target").toString());
        assertThat(out)
                .contains("UnableToRestoreMediaException")
                .contains("LANG=C.UTF-8")
                .doesNotContain("Unsafe");
    }
}
