package io.backupkit.backup.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A media folder's names and content as bytes, listed by GNU find and md5sum, for tests of names that are not UTF-8. */
public final class RawNameListing {
    private RawNameListing() {}

    /**
     * Files, a folder, a hard link and links (relative, up, dangling) in {@code media} whose names and targets are not
     * UTF-8, made by bash as another program would make them, and a name with a backslash.
     */
    public static void makeRawNames(Path media) throws Exception {
        sh(
                "cd \"$0\""
                        + " && printf 'latin-1' > $'caf\\xe9.txt'"
                        + " && printf 'back' > 'back\\slash.txt'"
                        + " && mkdir $'dir\\xff\\xfe' && printf 'inner' > $'dir\\xff\\xfe/in\\xfdner'"
                        + " && printf 'plain' > $'dir\\xff\\xfe/plain.txt'"
                        + " && ln $'caf\\xe9.txt' $'hard\\xe0'"
                        + " && ln -s $'caf\\xe9.txt' $'link\\xe1'"
                        + " && ln -s $'../dir\\xff\\xfe/in\\xfdner' $'dir\\xff\\xfe/up\\xe2'"
                        + " && ln -s $'/nowhere/\\xe3' dangling"
                        + " && touch -d '2021-02-03 04:05:06.123456789' $'caf\\xe9.txt' $'dir\\xff\\xfe/in\\xfdner'",
                media);
    }

    /**
     * Type, mode, size, link count, mtime (seconds, or to the nanosecond) and name of files, folders and FIFOs,
     * name and target of links, md5 of every file: as bytes.
     */
    public static String listing(Path dir, boolean nanos) throws Exception {
        String t = nanos ? "%T@" : "%Ts";
        return sh(
                "cd \"$0\" && { find . -mindepth 1 -type f -printf '%y %m %s %n " + t + " %P\\n'"
                        + " && find . -mindepth 1 \\( -type d -o -type p \\) -printf '%y %m " + t + " %P\\n'"
                        + " && find . -type l -printf '%y %P -> %l\\n'; } | LC_ALL=C sort"
                        + " && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum",
                dir);
    }

    public static String sh(String script, Path... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", "-c", script));
        for (Path a : args) {
            cmd.add(a.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(script + ": " + out).isZero();
        return out;
    }
}
