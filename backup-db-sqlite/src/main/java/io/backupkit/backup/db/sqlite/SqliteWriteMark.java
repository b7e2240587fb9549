package io.backupkit.backup.db.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a SQLite database's files say about writes: the file's identity, size, modification time
 * (ns) and header change counter, and the WAL's size and time. A commit in rollback-journal mode
 * raises the counter and rewrites the file; in WAL mode it grows the WAL, which a checkpoint folds
 * into the file (a new time, often a new size). Reading changes none of them (the empty WAL a reader
 * makes, and removes when it closes, does not count).
 */
record SqliteWriteMark(String identity, long size, long modifiedNanos, long counter, long walSize, long walNanos) {
    private static final String VERSION = "sqlite-v1";
    private static final int COUNTER_OFFSET = 24;

    /** The mark of {@code db} now, or empty when its file is missing. */
    static Optional<SqliteWriteMark> of(SqliteLocation db) throws IOException {
        BasicFileAttributes file;
        try {
            file = Files.readAttributes(db.file(), BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        long walSize = -1;
        long walNanos = -1;
        try {
            BasicFileAttributes wal = Files.readAttributes(db.wal(), BasicFileAttributes.class);
            walSize = wal.size();
            walNanos = wal.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        } catch (NoSuchFileException e) {
            // no WAL: rollback-journal mode, or WAL mode with every connection closed
        }
        return Optional.of(new SqliteWriteMark(
                SqliteKeepAside.identity(db.file()),
                file.size(),
                file.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                counter(db.file()),
                walSize,
                walNanos));
    }

    String encode() {
        return String.join(
                ":",
                VERSION,
                Long.toString(size),
                Long.toString(modifiedNanos),
                Long.toString(counter),
                Long.toString(walSize),
                Long.toString(walNanos),
                identity);
    }

    /** The mark {@link #encode()} wrote, or empty when it is not one. */
    static Optional<SqliteWriteMark> decode(String mark) {
        String[] p = mark.split(":", 7);
        if (p.length != 7 || !p[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SqliteWriteMark(
                    p[6],
                    Long.parseLong(p[1]),
                    Long.parseLong(p[2]),
                    Long.parseLong(p[3]),
                    Long.parseLong(p[4]),
                    Long.parseLong(p[5])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** What was written since {@code before}, in the user's terms, or empty when nothing was. */
    Optional<String> since(SqliteWriteMark before, Path file) {
        if (!identity.equals(before.identity)) {
            return Optional.of("the database file " + file + " was replaced by another file since the restore");
        }
        List<String> changes = new ArrayList<>();
        List<String> how = new ArrayList<>();
        if (size != before.size) {
            how.add("its size went from " + bytes(before.size) + " to " + bytes(size));
        }
        if (counter != before.counter && before.counter >= 0 && counter >= 0) {
            long commits = (counter - before.counter) & 0xffffffffL;
            how.add(String.format(Locale.ROOT, "%,d write transaction%s committed", commits, commits == 1 ? "" : "s"));
        }
        if (how.isEmpty() && modifiedNanos != before.modifiedNanos) {
            how.add("it was written at "
                    + Instant.EPOCH.plusNanos(modifiedNanos).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        if (!how.isEmpty()) {
            changes.add("the database file " + file + " changed since the restore (" + String.join(", ", how) + ")");
        }
        boolean walChanged = walSize != before.walSize || walNanos != before.walNanos;
        if (walSize > 0 && walChanged) {
            changes.add("its write-ahead log " + file.getFileName() + "-wal holds " + bytes(walSize)
                    + " of changes made since the restore, not yet folded into the file");
        }
        return changes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", changes));
    }

    /** The header's file change counter (big-endian at offset 24), or -1 for a file too short to have one. */
    private static long counter(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            while (b.hasRemaining()) {
                if (ch.read(b, COUNTER_OFFSET + b.position()) < 0) {
                    return -1;
                }
            }
            return Integer.toUnsignedLong(b.flip().getInt());
        }
    }

    private static String bytes(long n) {
        return String.format(Locale.ROOT, "%,d bytes", n);
    }
}
