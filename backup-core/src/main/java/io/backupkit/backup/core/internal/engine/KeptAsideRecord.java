package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.KeptAside;
import io.backupkit.backup.UnableToRestoreMediaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the state the last restore kept aside lives: the dumper's token for the database and the
 * old media folder, with marks of the restored state (the dumper's, and the file system time of the
 * media swap) so that a rollback can tell what the host wrote since. One per target, beside the
 * restore journal; replaced atomically.
 */
record KeptAsideRecord(
        String restored, Instant since, String database, Path media, String databaseMark, Instant mediaMark) {
    KeptAsideRecord(String restored, Instant since, String database, Path media) {
        this(restored, since, database, media, null, null);
    }

    KeptAside info() {
        boolean tracked = (database == null || databaseMark != null) && (media == null || mediaMark != null);
        return new KeptAside(restored, since, database != null, media != null, tracked);
    }

    static Path location(EngineSettings settings) {
        Path journal = RestoreJournal.location(settings);
        return journal.resolveSibling(journal.getFileName()
                .toString()
                .replace("restore-journal", "kept-aside")
                .replace(".journal", ".kept-aside"));
    }

    static Optional<KeptAsideRecord> find(EngineSettings settings) {
        Path file = location(settings);
        Properties p;
        try {
            Optional<Properties> found = DurableProperties.load(file);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            p = found.get();
        } catch (IOException e) {
            throw new UnableToRestoreMediaException(
                    "cannot read " + file + ", the record of what the last restore kept aside: " + e.getMessage(), e);
        }
        return Optional.of(new KeptAsideRecord(
                p.getProperty("restored", "?"),
                Instant.parse(p.getProperty("since", Instant.EPOCH.toString())),
                p.getProperty("database"),
                Optional.ofNullable(p.getProperty("media")).map(Path::of).orElse(null),
                p.getProperty("databaseMark"),
                Optional.ofNullable(p.getProperty("mediaMark"))
                        .map(Instant::parse)
                        .orElse(null)));
    }

    /** Writes a temp file, fsyncs it and renames it over the record. */
    void write(EngineSettings settings) {
        Path file = location(settings);
        Properties p = new Properties();
        p.setProperty("restored", restored);
        p.setProperty("since", since.toString());
        if (database != null) {
            p.setProperty("database", database);
        }
        if (media != null) {
            p.setProperty("media", media.toString());
        }
        if (databaseMark != null) {
            p.setProperty("databaseMark", databaseMark);
        }
        if (mediaMark != null) {
            p.setProperty("mediaMark", mediaMark.toString());
        }
        try {
            DurableProperties.store(
                    file, p, "backupkit: the state the last restore kept aside; a rollback puts it back");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void delete(EngineSettings settings) {
        try {
            Files.deleteIfExists(location(settings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the kept states (the record stays: the caller replaces or deletes it). */
    void drop(EngineSettings settings) {
        if (database != null && settings.dumper() != null) {
            settings.dumper().dropAside(database);
        }
        if (media != null) {
            RestoreOperation.deleteQuietly(media);
        }
    }
}
