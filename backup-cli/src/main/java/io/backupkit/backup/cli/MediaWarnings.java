package io.backupkit.backup.cli;

import io.backupkit.backup.MediaInfo;
import java.io.PrintWriter;
import java.util.List;

/**
 * What a backup's media part could not hold or saw change, as warning lines on stderr. Printed after
 * {@code create}, {@code verify} and {@code restore} whatever {@code --quiet} says: a cron job must not hide
 * that files are missing from its backups.
 */
final class MediaWarnings {
    private static final int NAMED = 10;

    private MediaWarnings() {}

    static void print(PrintWriter err, MediaInfo media, String verb) {
        if (media == null) {
            return;
        }
        if (!media.skipped().isEmpty()) {
            err.println("backup: warning: " + count(media.skipped()) + " media entries are not in this backup"
                    + " (a restore leaves them in place): " + names(media.skipped()));
        }
        if (!media.changed().isEmpty()) {
            err.println("backup: warning: " + count(media.changed()) + " media files changed while they were archived"
                    + " and " + verb + " as read, which may be torn: " + names(media.changed()));
        }
        err.flush();
    }

    /** Listed entries; the manifest ends a cut list with "(N more not listed)". */
    private static String count(List<String> list) {
        String last = list.get(list.size() - 1);
        if (last.startsWith("(") && last.endsWith(" more not listed)")) {
            try {
                long more = Long.parseLong(last.substring(1, last.indexOf(' ')));
                return Long.toString(list.size() - 1 + more);
            } catch (NumberFormatException e) {
                return Integer.toString(list.size());
            }
        }
        return Integer.toString(list.size());
    }

    private static String names(List<String> list) {
        List<String> shown = list.subList(0, Math.min(NAMED, list.size()));
        return BackupCli.oneLine(String.join(", ", shown)) + (list.size() > NAMED ? ", ..." : "");
    }
}
