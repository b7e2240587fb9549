package io.backupkit.backup.cli;

import io.backupkit.backup.BackupInfo;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Human-readable sizes, times and one-line backup summaries. */
final class Format {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Format() {}

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %d s", ms / 60_000, (ms / 1000) % 60);
    }

    static String time(BackupInfo b) {
        return TIME.format(b.created());
    }

    static String database(BackupInfo b) {
        return b.database() == null ? "-" : b.database().dumper();
    }

    static String media(BackupInfo b) {
        return b.media() == null
                ? "-"
                : b.media().fileCount() + " files, " + bytes(b.media().totalBytes());
    }

    static String labels(BackupInfo b) {
        return b.labels().isEmpty() ? "-" : String.join(",", b.labels());
    }

    /** {@code <id>  <created>  <size>  <labels>} for lists of results. */
    static String summary(BackupInfo b) {
        return b.id() + "  " + time(b) + "  " + bytes(b.size()) + "  " + labels(b);
    }

    /** What {@code list} says of the state kept aside: since when, and whether later writes can be told. */
    static String keptAside(io.backupkit.backup.KeptAside k) {
        return "the state kept aside " + since(k) + " ('backup rollback'; "
                + (k.writesTracked()
                        ? "it refuses when the application wrote since, unless --force)"
                        : "what was written since cannot be told: it needs --force)");
    }

    /** When and by which restore a state was kept aside, for a sentence. */
    static String since(io.backupkit.backup.KeptAside k) {
        return "before the restore of " + k.restored() + " ("
                + k.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")";
    }
}
