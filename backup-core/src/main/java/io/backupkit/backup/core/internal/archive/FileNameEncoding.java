package io.backupkit.backup.core.internal.archive;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The JVM's file name encoding ({@code sun.jnu.encoding}) comes from the locale. Without a UTF-8
 * locale (a bare cron or systemd environment, {@code env -i}) it is ASCII, and file names outside
 * ASCII cannot be read or written: the error must say so instead of blaming the media or the backup.
 */
public final class FileNameEncoding {
    private FileNameEncoding() {}

    public static boolean isUtf8() {
        String jnu = System.getProperty("sun.jnu.encoding", "UTF-8");
        try {
            return Charset.forName(jnu).equals(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** What to do about it, for error messages. */
    public static String advice() {
        return "this JVM reads file names as " + System.getProperty("sun.jnu.encoding")
                + " because no UTF-8 locale is set; run it with LANG=C.UTF-8 (or LC_ALL=C.UTF-8) in its environment"
                + " (the command-line launcher does this)";
    }
}
